"""Callback: hooks called by ``fit``, ``evaluate`` and ``predict`` (as ``keras.callbacks``)."""


class Callback:
    """Base class of callbacks; override the hooks you need. ``self.model`` is set by fit."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        """Called before each training batch (the older name of on_train_batch_begin)."""

    def on_batch_end(self, batch, logs=None):
        """Called after each training batch (the older name of on_train_batch_end)."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]


def overrides(callback, *hooks) -> bool:
    """True when ``callback`` defines one of ``hooks`` itself (not Callback's no-op)."""
    for name in hooks:
        method = getattr(callback, name)
        if getattr(method, "__func__", None) is not getattr(Callback, name):
            return True
    return False


class CallbackList(Callback):
    """Several callbacks called in order, as one."""

    def __init__(self, callbacks=None, model=None, params=None):
        super().__init__()
        self.callbacks = list(callbacks or [])
        if model is not None:
            self.set_model(model)
        if params is not None:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def overrides(self, *hooks) -> bool:
        """True when some callback defines one of ``hooks`` (so logs must be built)."""
        return any(overrides(c, *hooks) for c in self.callbacks)

    def set_model(self, model):
        self.model = model
        for c in self.callbacks:
            c.set_model(model)

    def set_params(self, params):
        self.params = params
        for c in self.callbacks:
            c.set_params(params)


def _dispatch(name):
    def hook(self, *args, **kwargs):
        for c in self.callbacks:
            getattr(c, name)(*args, **kwargs)

    hook.__name__ = name
    return hook


for _name in _HOOKS:
    setattr(CallbackList, _name, _dispatch(_name))
