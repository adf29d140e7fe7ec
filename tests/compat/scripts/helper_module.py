"""Imported by argv_exit.py from the scripts' folder."""

GREETING = "hello from the script's folder"
