"""The local dataset mirror of tests/datasets, for the scripts that load datasets."""

from tests.datasets.conftest import mirror, mirror_server  # noqa: F401
