"""Prints what a script sees of its invocation, then exits with the status it is given."""

import pathlib
import sys

import helper_module  # a module next to the script, importable as with `python script.py`

print("argv", sys.argv[1:])
print("name", __name__)
print("file", pathlib.Path(__file__).name, pathlib.Path(sys.argv[0]).name)
print("helper", helper_module.GREETING)
if __name__ == "__main__":
    sys.exit(int(sys.argv[1]))
