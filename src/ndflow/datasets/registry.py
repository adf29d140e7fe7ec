"""Where each dataset's files come from, with their pinned SHA-256 sums.

A ``None`` checksum means no sum is pinned yet: the file is used as downloaded (its
parse still checks its structure) and the download logs the digest to pin.
"""

from dataclasses import dataclass

__all__ = ["REGISTRY", "RemoteFile"]


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: the name it has in the cache, its URL and SHA-256 sum."""

    name: str
    url: str
    sha256: str | None


def _files(base: str, sums: dict) -> tuple:
    return tuple(RemoteFile(name, base + name, sha) for name, sha in sums.items())


# The four IDX files of each set, published with these sums by many independent mirrors.
MNIST = _files("https://storage.googleapis.com/cvdf-datasets/mnist/", {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
})

FASHION_MNIST = _files("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", {
    "train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
})

# The binary versions: plain fixed-size records, so nothing is ever unpickled.
CIFAR10 = _files("https://www.cs.toronto.edu/~kriz/", {
    "cifar-10-binary.tar.gz": "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
})

CIFAR100 = _files("https://www.cs.toronto.edu/~kriz/", {
    "cifar-100-binary.tar.gz":
        "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec",
})

ACL_IMDB = _files("https://ai.stanford.edu/~amaas/data/sentiment/", {
    "aclImdb_v1.tar.gz": "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
})

# The original text file (506 rows of 14 numbers); Keras's own copy is a pickled .npz.
BOSTON_HOUSING = _files("https://archive.ics.uci.edu/ml/machine-learning-databases/housing/", {
    "housing.data": "baadf72995725d76efe787b664e1f083388c79ba21ef9a7990d87f774184735a",
})

HORSES_OR_HUMANS = _files("https://storage.googleapis.com/download.tensorflow.org/data/", {
    "horse-or-human.zip": None,  # checksum to pin on first verified download
    "validation-horse-or-human.zip": None,  # checksum to pin on first verified download
})

REGISTRY = {
    "mnist": MNIST,
    "fashion_mnist": FASHION_MNIST,
    "cifar10": CIFAR10,
    "cifar100": CIFAR100,
    "imdb": ACL_IMDB,
    "boston_housing": BOSTON_HOUSING,
    "horses_or_humans": HORSES_OR_HUMANS,
}
