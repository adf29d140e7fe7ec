"""Fused recurrent sequences: a whole LSTM, GRU or simple-RNN pass as one primitive.

Built from per-step ops, a recurrent layer over 200 steps records thousands of tape
entries. Here the forward runs the time loop in NumPy (one matmul projects the inputs of
every step, then one ``(batch, units) x (units, k units)`` matmul per step) and returns
one array packing, per step, the state and the activated gates, which is all that
backpropagation through time needs. The raw rule runs that backward loop on arrays; the
op-level rule differentiates the same recurrence written with ndflow ops, so gradients of
gradients work (slowly).

Layouts of the packed output, in processing order (reversed in time with
``go_backwards``): LSTM ``(7, time, batch, units)`` holding h, c, act(c), i, f, g, o;
GRU ``(batch, time, 5 * units)`` holding ``[h, z, r, hh, h @ R_h + b_h]``; simple RNN
``(batch, time, units)``. A ``mask`` of shape
``(batch, time)`` (1 keep, 0 skip, in the input's float dtype) carries the state over
the skipped steps unchanged.
"""

import numpy as np

from ndflow.autodiff.engine_ops import reshape
from ndflow.autodiff.primitive import bind, defvjp_all, defvjp_raw, primitive
from ndflow.autodiff.tape import GradientTape
from ndflow.ops.array import concat, stack, transpose
from ndflow.ops.linalg import matmul
from ndflow.ops.math import clip_by_value, sigmoid, tanh
from ndflow.ops.nn import relu

__all__ = ["FUSED_RNN_ACTIVATIONS", "gru_sequence", "lstm_sequence", "simple_rnn_sequence"]

# Activations whose derivative follows from their output (what the backward loop has).
FUSED_RNN_ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear", "hard_sigmoid")


# -- activations on arrays (in place) and on tensors ------------------------------------
def _act(name, z):
    """Apply the activation ``name`` to ``z`` in place (``z`` may be a view)."""
    if name == "tanh":
        np.tanh(z, out=z)
    elif name == "sigmoid":  # through tanh: no overflow for large |z|
        z *= 0.5
        np.tanh(z, out=z)
        z *= 0.5
        z += 0.5
    elif name == "relu":
        np.maximum(z, 0, out=z)
    elif name == "hard_sigmoid":
        z += 3
        np.clip(z, 0, 6, out=z)
        z /= 6
    return z


def _dact(name, y):
    """The activation's derivative from its output ``y`` (None: identity)."""
    if name == "tanh":
        return 1 - y * y
    if name == "sigmoid":
        return y * (1 - y)
    if name == "relu":
        return (y > 0).astype(y.dtype)
    if name == "hard_sigmoid":
        return ((y > 0) & (y < 1)).astype(y.dtype) / 6
    return None


def _dact_into(name, y, out):
    """Write the activation's derivative, from its output ``y``, into ``out``."""
    if name == "tanh":
        np.multiply(y, y, out=out)
        np.subtract(1, out, out=out)
    elif name == "sigmoid":
        np.subtract(1, y, out=out)
        out *= y
    elif name == "relu":
        np.greater(y, 0, out=out)
    elif name == "hard_sigmoid":
        np.logical_and(y > 0, y < 1, out=out)
        out /= 6
    else:
        out[...] = 1
    return out


def _mul_dact(name, g, y):
    d = _dact(name, y)
    if d is not None:
        g *= d
    return g


def _op_act(name):
    if name == "tanh":
        return tanh
    if name == "sigmoid":
        return sigmoid
    if name == "relu":
        return relu
    if name == "hard_sigmoid":
        return lambda z: clip_by_value(z + 3.0, 0.0, 6.0) / 6.0
    return lambda z: z


def _check_activations(op, *names):
    for name in names:
        if name not in FUSED_RNN_ACTIVATIONS:
            raise ValueError(f"{op}: activation must be one of {FUSED_RNN_ACTIVATIONS}, got "
                             f"{name!r}")


# -- shared helpers --------------------------------------------------------------------
def _time_major(x, go_backwards):
    """``x`` as a contiguous (time, batch, features) array in processing order."""
    if go_backwards:
        x = x[:, ::-1]
    return np.ascontiguousarray(x.swapaxes(0, 1))


def _project(x, kernel, bias, go_backwards):
    """Every step's input projection at once: (time, batch, k units), plus the inputs."""
    xt = _time_major(x, go_backwards)
    t, b, d = xt.shape
    proj = np.dot(xt.reshape(t * b, d), kernel).reshape(t, b, kernel.shape[1])
    if bias is not None:
        proj += bias
    return xt, proj


def _step_masks(mask, go_backwards):
    """The mask as (time, batch, 1) in processing order: bool and float, or Nones."""
    if not mask:
        return None, None
    m = mask[0][:, ::-1] if go_backwards else mask[0]
    m = m.T[:, :, None]
    return m != 0, m.astype(m.dtype if m.dtype.kind == "f" else np.float64)


def _previous(y, first, width, offset=0):
    """The state entering each step, time-major: ``first`` then the stored states (the
    slots ``offset:offset + width`` of the packed output)."""
    b, t, _ = y.shape
    prev = np.empty_like(first, shape=(t, b, width))
    prev[0] = first
    prev[1:] = y[:, :-1, offset:offset + width].swapaxes(0, 1)
    return prev


def _input_grads(needed, dz, xt, kernel, go_backwards):
    """Gradients of x and the kernel from the pre-activation gradients (time-major)."""
    t, b, k = dz.shape
    rows = dz.reshape(t * b, k)
    dx = dw = None
    if needed[0]:
        dx = np.dot(rows, kernel.T).reshape(t, b, -1).swapaxes(0, 1)
        dx = np.ascontiguousarray(dx[:, ::-1] if go_backwards else dx)
    if needed[1]:
        dw = np.dot(xt.reshape(t * b, -1).T, rows)
    return dx, dw, rows


def _composed_vjp(compose, n_diff):
    """The op-level rule: differentiate the ndflow-op recurrence ``compose``."""
    def rule(needed, g, y, *args, **params):
        # distinct tensors per argument, so one tensor passed twice gets both parts once
        diff = [reshape(a, tuple(a.shape)) for a in args[:n_diff]]
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(diff)
            out = compose(*diff, *args[n_diff:], **params)
        grads = tape.gradient(out, diff, output_gradients=g)
        return list(grads) + [None] * (len(args) - n_diff)
    return rule


def _steps(n, go_backwards):
    return range(n - 1, -1, -1) if go_backwards else range(n)


def _masked(mask, t, new, old):
    if mask is None:
        return new
    m = mask[:, t:t + 1]
    return m * new + (1.0 - m) * old


# -- LSTM ------------------------------------------------------------------------------
# The packed output is slot-major, (7, time, batch, units): h, c, act(c), then the
# activated gates in Keras order i, f, g, o. Every slot is one contiguous array, so the
# backward pass computes its per-step factors for all steps in a few full-array passes.
_H, _C, _TC, _I, _F, _G, _O = range(7)


def _exp_scales(u, dtype):
    """Column factors that turn every LSTM gate into ``1 / (1 + exp(z))``.

    With tanh and sigmoid activations, folding -1 (sigmoid gates) and -2 (the tanh
    candidate, since tanh(z) = 2 sigmoid(2 z) - 1) into the weights lets one exp pass
    over all four gates replace NumPy's much slower float32 tanh and sigmoid.
    """
    s = np.full(4 * u, -1.0, dtype=dtype)
    s[2 * u:3 * u] = -2.0
    return s


def _lstm_gates(z, u, activation, recurrent_activation, fast):
    """Activate the pre-activations ``z`` (batch, 4 units) in place."""
    if fast:  # z holds the scaled pre-activations (see _exp_scales)
        np.exp(z, out=z)
        z += 1
        np.reciprocal(z, out=z)
        cand = z[:, 2 * u:3 * u]
        cand *= 2
        cand -= 1
    else:
        _act(recurrent_activation, z[:, :2 * u])
        _act(activation, z[:, 2 * u:3 * u])
        _act(recurrent_activation, z[:, 3 * u:])


def _lstm_forward(x, kernel, recurrent_kernel, bias, h0, c0, *mask, go_backwards, activation,
                  recurrent_activation):
    b, n, _ = x.shape
    u = recurrent_kernel.shape[0]
    fast = activation == "tanh" and recurrent_activation == "sigmoid"
    if fast:
        s = _exp_scales(u, kernel.dtype)
        kernel, recurrent_kernel, bias = kernel * s, recurrent_kernel * s, bias * s
    _, proj = _project(x, kernel, bias, go_backwards)
    keep, _ = _step_masks(mask, go_backwards)
    y = np.empty_like(proj, shape=(7, n, b, u))
    h, c = h0, c0
    with np.errstate(over="ignore"):  # exp overflow gives the right limit, 1 / inf = 0
        for t in range(n):
            z = np.dot(h, recurrent_kernel)
            z += proj[t]
            _lstm_gates(z, u, activation, recurrent_activation, fast)
            y[_I:, t] = z.reshape(b, 4, u).swapaxes(0, 1)
            c_new = np.multiply(z[:, u:2 * u], c, out=y[_C, t])
            c_new += z[:, :u] * z[:, 2 * u:3 * u]
            tc = y[_TC, t]
            tc[...] = c_new
            _act(activation, tc)
            h_new = np.multiply(tc, z[:, 3 * u:], out=y[_H, t])
            if keep is not None:
                np.copyto(c_new, c, where=~keep[t])
                np.copyto(h_new, h, where=~keep[t])
            h, c = h_new, c_new
    return y


def _lstm_factors(y, c0, activation, recurrent_activation):
    """Per-step factors of the backward recurrence, for all steps at once: with ``dh``
    and ``dc`` the gradients reaching a step, the pre-activation gradients are
    ``dcn * coef[i|f|g]`` and ``dh * coef[o]``, where ``dcn = dc + dh * dtc_o``."""
    tc, i, cand, o = y[_TC], y[_I], y[_G], y[_O]
    dgates = np.empty_like(y[_I:])
    _dact_into(recurrent_activation, y[_I:_G], dgates[:2])
    _dact_into(activation, cand, dgates[2])
    _dact_into(recurrent_activation, o, dgates[3])
    coef = dgates  # overwritten slot by slot: each factor needs only its own slot
    coef[0] *= cand
    coef[1, 1:] *= y[_C, :-1]
    coef[1, 0] *= c0
    coef[2] *= i
    coef[3] *= tc
    dtc = _dact(activation, tc)
    dtc_o = o * dtc if dtc is not None else o
    return coef, dtc_o


def _lstm_raw_vjp(needed, g, y, x, kernel, recurrent_kernel, bias, h0, c0, *mask, go_backwards,
                  activation, recurrent_activation):
    b, n, _ = x.shape
    u = recurrent_kernel.shape[0]
    keep, _ = _step_masks(mask, go_backwards)
    f = y[_F]
    coef, dtc_o = _lstm_factors(y, c0, activation, recurrent_activation)
    extra_c, extra_z = _lstm_direct_grads(g, y, activation, recurrent_activation)
    h_steps = g[_H].any(axis=(1, 2))
    c_steps = g[_C].any(axis=(1, 2))
    dz = np.empty_like(y, shape=(n, b, 4 * u))  # time-major pre-activation gradients
    dh = np.zeros_like(h0)
    dc = np.zeros_like(c0)
    rk_t = recurrent_kernel.T
    for t in range(n - 1, -1, -1):
        if h_steps[t]:
            dh = dh + g[_H, t]
        if c_steps[t]:
            dc = dc + g[_C, t]
        if keep is not None:
            carry_h, carry_c = dh * ~keep[t], dc * ~keep[t]
            dh, dc = dh * keep[t], dc * keep[t]
        dcn = dh * dtc_o[t]
        dcn += dc
        if extra_c is not None:
            dcn += extra_c[t]
        dzt = dz[t]
        for k in range(3):
            np.multiply(dcn, coef[k, t], out=dzt[:, k * u:(k + 1) * u])
        np.multiply(dh, coef[3, t], out=dzt[:, 3 * u:])
        if extra_z is not None:
            dzt += extra_z[t]
        dc = dcn * f[t]
        dh = np.dot(dzt, rk_t)
        if keep is not None:
            dh += carry_h
            dc += carry_c
    xt = _time_major(x, go_backwards) if needed[1] else None
    dx, dw, rows = _input_grads(needed, dz, xt, kernel, go_backwards)
    dr = None
    if needed[2]:
        dr = np.dot(h0.T, rows[:b])
        dr += np.dot(y[_H, :-1].reshape((n - 1) * b, u).T, rows[b:])
    db = rows.sum(axis=0) if needed[3] else None
    return [dx, dw, dr, db, dh, dc] + [None] * len(mask)


def _lstm_direct_grads(g, y, activation, recurrent_activation):
    """Gradients that reach the act(c) and gate slots directly (the layers never read
    those slots, so usually both None): time-major, to add to ``dcn`` and ``dz``."""
    extra_c = extra_z = None
    if g[_TC].any():
        d = _dact(activation, y[_TC])
        extra_c = g[_TC] * d if d is not None else g[_TC]
    if g[_I:].any():
        d = np.empty_like(y[_I:])
        _dact_into(recurrent_activation, y[_I:_G], d[:2])
        _dact_into(activation, y[_G], d[2])
        _dact_into(recurrent_activation, y[_O], d[3])
        d *= g[_I:]
        extra_z = np.ascontiguousarray(d.transpose(1, 2, 0, 3)).reshape(d.shape[1], d.shape[2],
                                                                          -1)
    return extra_c, extra_z


def _lstm_compose(x, kernel, recurrent_kernel, bias, h0, c0, *mask, go_backwards, activation,
                  recurrent_activation):
    u = recurrent_kernel.shape[0]
    act, ract = _op_act(activation), _op_act(recurrent_activation)
    proj = matmul(x, kernel) + bias
    h, c, steps = h0, c0, []
    for t in _steps(x.shape[1], go_backwards):
        z = proj[:, t] + matmul(h, recurrent_kernel)
        i, f = ract(z[:, :u]), ract(z[:, u:2 * u])
        cand, o = act(z[:, 2 * u:3 * u]), ract(z[:, 3 * u:])
        c_new = f * c + i * cand
        tc = act(c_new)
        h_new = o * tc
        h = _masked(mask[0] if mask else None, t, h_new, h)
        c = _masked(mask[0] if mask else None, t, c_new, c)
        steps.append(stack([h, c, tc, i, f, cand, o], axis=0))
    return stack(steps, axis=1)


lstm_sequence_p = primitive("lstm_sequence", _lstm_forward)
defvjp_all(lstm_sequence_p, _composed_vjp(_lstm_compose, 6), masked=True)
defvjp_raw(lstm_sequence_p, _lstm_raw_vjp)


def lstm_sequence(x, kernel, recurrent_kernel, bias, h0, c0, mask=None, go_backwards=False,
                  activation="tanh", recurrent_activation="sigmoid"):
    """Run an LSTM (Keras gate order i, f, c, o) over ``x`` of shape (batch, time, features).

    Returns ``(outputs, h, c)``: the outputs of every step (batch, time, units) in
    processing order, and the final states.
    """
    _check_activations("lstm_sequence", activation, recurrent_activation)
    extra = () if mask is None else (mask,)
    y = bind(lstm_sequence_p, x, kernel, recurrent_kernel, bias, h0, c0, *extra,
             go_backwards=bool(go_backwards), activation=activation,
             recurrent_activation=recurrent_activation)
    return transpose(y[_H], (1, 0, 2)), y[_H, -1], y[_C, -1]


# -- GRU (reset_after=True) ------------------------------------------------------------
def _gru_forward(x, kernel, recurrent_kernel, bias, h0, *mask, go_backwards, activation,
                 recurrent_activation):
    b, n, _ = x.shape
    u = recurrent_kernel.shape[0]
    _, proj = _project(x, kernel, bias[0], go_backwards)
    keep, _ = _step_masks(mask, go_backwards)
    y = np.empty_like(proj, shape=(b, n, 5 * u))
    h = h0
    for t in range(n):
        hp = np.dot(h, recurrent_kernel)
        hp += bias[1]
        zr = _act(recurrent_activation, proj[t, :, :2 * u] + hp[:, :2 * u])
        hh = zr[:, u:] * hp[:, 2 * u:]
        hh += proj[t, :, 2 * u:]
        _act(activation, hh)
        h_new = h - hh
        h_new *= zr[:, :u]
        h_new += hh  # z * h + (1 - z) * hh
        if keep is not None:
            h_new = np.where(keep[t], h_new, h)
        y[:, t, :u] = h_new
        y[:, t, u:3 * u] = zr
        y[:, t, 3 * u:4 * u] = hh
        y[:, t, 4 * u:] = hp[:, 2 * u:]
        h = h_new
    return y


def _gru_raw_vjp(needed, g, y, x, kernel, recurrent_kernel, bias, h0, *mask, go_backwards,
                 activation, recurrent_activation):
    b, n, _ = x.shape
    u = recurrent_kernel.shape[0]
    _, keep = _step_masks(mask, go_backwards)
    dxp = np.empty_like(y, shape=(n, b, 3 * u))
    dhp = np.empty_like(y, shape=(n, b, 3 * u))
    dh = np.zeros_like(h0)
    rk_t = recurrent_kernel.T
    for t in range(n - 1, -1, -1):
        yt, gt = y[:, t], g[:, t]
        dh = dh + gt[:, :u]
        h_prev = y[:, t - 1, :u] if t else h0
        if keep is not None:
            dhn = dh * keep[t]
            carry = dh - dhn
        else:
            dhn, carry = dh, None
        z, r, hh, hph = (yt[:, k * u:(k + 1) * u] for k in range(1, 5))
        dzr = gt[:, u:3 * u] + 0
        dzr[:, :u] += dhn * (h_prev - hh)
        dpre_h = _mul_dact(activation, dhn * (1 - z) + gt[:, 3 * u:4 * u], hh)
        dzr[:, u:] += dpre_h * hph
        _mul_dact(recurrent_activation, dzr, yt[:, u:3 * u])
        dxp[t, :, :2 * u] = dzr
        dxp[t, :, 2 * u:] = dpre_h
        dhp[t, :, :2 * u] = dzr
        dhp[t, :, 2 * u:] = dpre_h * r + gt[:, 4 * u:]
        dh = np.dot(dhp[t], rk_t)
        dh += dhn * z
        if carry is not None:
            dh += carry
    xt = _time_major(x, go_backwards) if needed[1] else None
    dx, dw, rows = _input_grads(needed, dxp, xt, kernel, go_backwards)
    hrows = dhp.reshape(n * b, 3 * u)
    dr = np.dot(_previous(y, h0, u).reshape(n * b, u).T, hrows) if needed[2] else None
    db = np.stack([rows.sum(axis=0), hrows.sum(axis=0)]) if needed[3] else None
    return [dx, dw, dr, db, dh] + [None] * len(mask)


def _gru_compose(x, kernel, recurrent_kernel, bias, h0, *mask, go_backwards, activation,
                 recurrent_activation):
    u = recurrent_kernel.shape[0]
    act, ract = _op_act(activation), _op_act(recurrent_activation)
    proj = matmul(x, kernel) + bias[0]
    h, steps = h0, []
    for t in _steps(x.shape[1], go_backwards):
        hp = matmul(h, recurrent_kernel) + bias[1]
        xp = proj[:, t]
        z = ract(xp[:, :u] + hp[:, :u])
        r = ract(xp[:, u:2 * u] + hp[:, u:2 * u])
        hph = hp[:, 2 * u:]
        hh = act(xp[:, 2 * u:] + r * hph)
        h_new = z * h + (1.0 - z) * hh
        h = _masked(mask[0] if mask else None, t, h_new, h)
        steps.append(concat([h, z, r, hh, hph], axis=1))
    return stack(steps, axis=1)


gru_sequence_p = primitive("gru_sequence", _gru_forward)
defvjp_all(gru_sequence_p, _composed_vjp(_gru_compose, 5), masked=True)
defvjp_raw(gru_sequence_p, _gru_raw_vjp)


def gru_sequence(x, kernel, recurrent_kernel, bias, h0, mask=None, go_backwards=False,
                 activation="tanh", recurrent_activation="sigmoid"):
    """Run a GRU (Keras gate order z, r, h, reset after the recurrent matmul, ``bias`` of
    shape (2, 3 units)) over ``x``; return ``(outputs, h)``."""
    _check_activations("gru_sequence", activation, recurrent_activation)
    extra = () if mask is None else (mask,)
    y = bind(gru_sequence_p, x, kernel, recurrent_kernel, bias, h0, *extra,
             go_backwards=bool(go_backwards), activation=activation,
             recurrent_activation=recurrent_activation)
    u = recurrent_kernel.shape[0]
    return y[:, :, :u], y[:, -1, :u]


# -- simple RNN ------------------------------------------------------------------------
def _rnn_forward(x, kernel, recurrent_kernel, bias, h0, *mask, go_backwards, activation):
    b, n, _ = x.shape
    u = recurrent_kernel.shape[0]
    _, proj = _project(x, kernel, bias, go_backwards)
    keep, _ = _step_masks(mask, go_backwards)
    y = np.empty_like(proj, shape=(b, n, u))
    h = h0
    for t in range(n):
        z = np.dot(h, recurrent_kernel)
        z += proj[t]
        h_new = _act(activation, z)
        if keep is not None:
            h_new = np.where(keep[t], h_new, h)
        y[:, t] = h_new
        h = h_new
    return y


def _rnn_raw_vjp(needed, g, y, x, kernel, recurrent_kernel, bias, h0, *mask, go_backwards,
                 activation):
    b, n, _ = x.shape
    u = recurrent_kernel.shape[0]
    _, keep = _step_masks(mask, go_backwards)
    dz = np.empty_like(y, shape=(n, b, u))
    dh = np.zeros_like(h0)
    rk_t = recurrent_kernel.T
    for t in range(n - 1, -1, -1):
        dh = dh + g[:, t]
        if keep is not None:
            dhn = dh * keep[t]
            carry = dh - dhn
        else:
            dhn, carry = dh, None
        dz[t] = _mul_dact(activation, dhn, y[:, t])
        dh = np.dot(dz[t], rk_t)
        if carry is not None:
            dh += carry
    xt = _time_major(x, go_backwards) if needed[1] else None
    dx, dw, rows = _input_grads(needed, dz, xt, kernel, go_backwards)
    dr = np.dot(_previous(y, h0, u).reshape(n * b, u).T, rows) if needed[2] else None
    db = rows.sum(axis=0) if needed[3] else None
    return [dx, dw, dr, db, dh] + [None] * len(mask)


def _rnn_compose(x, kernel, recurrent_kernel, bias, h0, *mask, go_backwards, activation):
    act = _op_act(activation)
    proj = matmul(x, kernel) + bias
    h, steps = h0, []
    for t in _steps(x.shape[1], go_backwards):
        h = _masked(mask[0] if mask else None, t, act(proj[:, t] + matmul(h, recurrent_kernel)),
                    h)
        steps.append(h)
    return stack(steps, axis=1)


simple_rnn_sequence_p = primitive("simple_rnn_sequence", _rnn_forward)
defvjp_all(simple_rnn_sequence_p, _composed_vjp(_rnn_compose, 5), masked=True)
defvjp_raw(simple_rnn_sequence_p, _rnn_raw_vjp)


def simple_rnn_sequence(x, kernel, recurrent_kernel, bias, h0, mask=None, go_backwards=False,
                        activation="tanh"):
    """Run ``h = activation(x_t @ kernel + h @ recurrent_kernel + bias)`` over ``x``; return
    ``(outputs, h)``."""
    _check_activations("simple_rnn_sequence", activation)
    extra = () if mask is None else (mask,)
    y = bind(simple_rnn_sequence_p, x, kernel, recurrent_kernel, bias, h0, *extra,
             go_backwards=bool(go_backwards), activation=activation)
    return y, y[:, -1]
