"""LambdaCallback: a callback made of plain functions."""

from ndflow.keras.callbacks.callback import _HOOKS, Callback


class LambdaCallback(Callback):
    """Calls the given functions from the matching hooks.

    Epoch hooks get ``(epoch, logs)``, batch hooks ``(batch, logs)``, begin/end hooks
    ``(logs)``. Any other hook (``on_test_begin=...``) may be passed as a keyword.

    >>> print_loss = LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for name, function in kwargs.items():
            if name not in _HOOKS:
                raise ValueError(f"LambdaCallback: unknown hook {name!r}; valid hooks are "
                                 f"{sorted(_HOOKS)}")
            hooks[name] = function
        for name, function in hooks.items():
            if function is not None:
                if not callable(function):
                    raise TypeError(f"LambdaCallback: {name} must be callable, got "
                                    f"{function!r}")
                setattr(self, name, _with_logs(name, function))


def _with_logs(name, function):
    # fit may call a hook without logs; the functions always receive them (None then)
    if name.endswith(("epoch_begin", "epoch_end", "batch_begin", "batch_end")):
        def hook(index, logs=None):
            return function(index, logs)
    else:
        def hook(logs=None):
            return function(logs)
    hook.__name__ = name
    return hook
