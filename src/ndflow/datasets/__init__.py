"""``ndflow.datasets``: well-known datasets from their original files, checked and cached.

``load(name, split=...)`` returns ndflow Datasets in the style of tensorflow-datasets;
``ndflow.keras.datasets`` builds Keras's ``load_data()`` functions on the same files.
Downloads need the ``pooch`` package (``pip install 'ndflow[datasets]'``).
"""

from ndflow.datasets.download import (
    ChecksumError,
    CorruptFileError,
    DownloadError,
    fetch,
    get_data_dir,
    sha256sum,
)
from ndflow.datasets.load import (
    ClassLabel,
    DatasetInfo,
    Image,
    SplitInfo,
    Text,
    builder_names,
    load,
)
from ndflow.datasets.registry import REGISTRY, RemoteFile

__all__ = ["REGISTRY", "ChecksumError", "ClassLabel", "CorruptFileError", "DatasetInfo",
           "DownloadError", "Image", "RemoteFile", "SplitInfo", "Text", "builder_names", "fetch",
           "get_data_dir", "load", "sha256sum"]
