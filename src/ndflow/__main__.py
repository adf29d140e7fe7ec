"""``python -m ndflow``: the ``ndflow`` command (``python -m ndflow run SCRIPT.py``)."""

import sys

from ndflow.cli import main

if __name__ == "__main__":
    sys.exit(main())
