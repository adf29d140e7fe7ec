"""Where each dataset's files come from, with their pinned SHA-256 sums.

A ``None`` checksum means no SHA-256 sum is pinned: the file is used as downloaded (its
parse still checks its structure, and its ``md5`` sum where the publisher pins only that)
and the download logs the digest to pin.
"""

from dataclasses import dataclass

__all__ = ["REGISTRY", "REUTERS", "RemoteFile"]


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: the name it has in the cache, its URL and SHA-256 sum (and the
    MD5 sum its parser checks, for a file whose publisher pins no SHA-256)."""

    name: str
    url: str
    sha256: str | None
    md5: str | None = None


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

# The sums tensorflow-datasets pins (url_checksums/horses_or_humans.txt; 149574867 and
# 11480187 bytes).
HORSES_OR_HUMANS = _files("https://storage.googleapis.com/download.tensorflow.org/data/", {
    "horse-or-human.zip": "e2e6f70d3d549c5dd10a57165e55af253ee66ad750403f95c0fb76bb943633a9",
    "validation-horse-or-human.zip":
        "ae5fff2f4f5554791f05358108e2e05d9801b191f1896ea101402f0e7f6c32c0",
})

# Keras's prepared Reuters set and its word index, with the sums Keras pins (only an MD5 for
# the word index). Each loader fetches just the file it reads (catalog.reuters_sequences,
# catalog.reuters_word_index), so the pair is not a REGISTRY entry fetched as a whole.
_KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
REUTERS = (
    RemoteFile("reuters.npz", _KERAS_DATASETS + "reuters.npz",
               "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"),
    RemoteFile("reuters_word_index.json", _KERAS_DATASETS + "reuters_word_index.json", None,
               md5="4d44cc38712099c9e383dc6e5f11a921"),
)

REGISTRY = {
    "mnist": MNIST,
    "fashion_mnist": FASHION_MNIST,
    "cifar10": CIFAR10,
    "cifar100": CIFAR100,
    "imdb": ACL_IMDB,
    "boston_housing": BOSTON_HOUSING,
    "horses_or_humans": HORSES_OR_HUMANS,
}
