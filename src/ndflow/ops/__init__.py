"""Primitives by kind, each forward with its gradient rule right below it."""

from ndflow.ops import overloads as _overloads

_overloads.install()
