"""Error types, named as in ``tf.errors``; each is also the matching Python built-in."""


class OpError(Exception):
    """Base of errors raised by ndflow operations."""


class InvalidArgumentError(OpError, ValueError):
    """An operation received an argument it cannot use (e.g. incompatible shapes)."""


class UnimplementedError(OpError, NotImplementedError):
    """The operation is not implemented for these inputs."""


class FailedPreconditionError(OpError, RuntimeError):
    """The system is not in a state to run the operation."""


class NotFoundError(OpError, FileNotFoundError):
    """A requested file or entity was not found."""


def shape_str(shape) -> str:
    """Format a shape as TensorFlow prints it in errors: ``[2,3]``."""
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


class InvalidTypeError(InvalidArgumentError, TypeError):
    """An operation received an argument of a type or dtype it does not support."""


class IndexOutOfRangeError(InvalidArgumentError, IndexError):
    """An index or slice lies outside a tensor's dimensions."""


def op_error_class(error: Exception) -> type:
    """Pick the ndflow error class matching a low-level exception."""
    if isinstance(error, TypeError):
        return InvalidTypeError
    if isinstance(error, IndexError):
        return IndexOutOfRangeError
    return InvalidArgumentError
