"""AdamW: Adam with decoupled weight decay, as ``keras.optimizers.AdamW``."""

from ndflow.keras.optimizers.adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam whose weights also shrink by ``learning_rate * weight_decay`` each step.

    The decay is applied to the weight before the Adam update (decoupled from the
    gradient, Loshchilov & Hutter). Other keyword arguments are the base Optimizer's.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, name="adamw", **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. "
                             "Received: weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name,
                         weight_decay=weight_decay, **kwargs)
