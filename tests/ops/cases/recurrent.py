"""Gradient cases for ndflow.ops.recurrent: the fused LSTM, GRU and simple-RNN sequences,
forwards and backwards in time, with and without a mask, through every output they give.

Outputs are squared and weighted so that every step, state and gate position matters.
"""

import numpy as np

from ndflow.ops.recurrent import gru_sequence, lstm_sequence, simple_rnn_sequence
from ndflow.ops.reduction import reduce_sum
from tests.ops.cases import Case, rand

B, T, D, U = 2, 3, 2, 2
MASK = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]])


def _lstm(go_backwards=False, mask=None, activation="tanh"):
    def fn(x, w, r, b, h0, c0):
        seq, h, c = lstm_sequence(x, w, r, b, h0, c0, mask=mask, go_backwards=go_backwards,
                                  activation=activation)
        return reduce_sum(seq * seq * 0.7) + reduce_sum(h * c) + reduce_sum(c * c)
    return fn


def _gru(go_backwards=False, mask=None):
    def fn(x, w, r, b, h0):
        seq, h = gru_sequence(x, w, r, b, h0, mask=mask, go_backwards=go_backwards)
        return reduce_sum(seq * seq * 0.7) + reduce_sum(h * h)
    return fn


def _rnn(go_backwards=False, mask=None, activation="tanh"):
    def fn(x, w, r, b, h0):
        seq, h = simple_rnn_sequence(x, w, r, b, h0, mask=mask, go_backwards=go_backwards,
                                     activation=activation)
        return reduce_sum(seq * seq * 0.7) + reduce_sum(h * h)
    return fn


def _lstm_args():
    return [rand(B, T, D), rand(D, 4 * U), rand(U, 4 * U), rand(4 * U), rand(B, U, low=-0.5),
            rand(B, U, low=-0.4)]


def _gru_args():
    return [rand(B, T, D), rand(D, 3 * U), rand(U, 3 * U), rand(2, 3 * U), rand(B, U)]


def _rnn_args():
    return [rand(B, T, D), rand(D, U), rand(U, U), rand(U), rand(B, U)]


CASES = [
    Case("lstm_sequence", _lstm(), _lstm_args()),
    Case("lstm_sequence_backwards_masked", _lstm(True, MASK), _lstm_args(), order=1),
    Case("lstm_sequence_masked_sigmoid", _lstm(False, MASK, "sigmoid"), _lstm_args(),
         order=1),
    Case("gru_sequence", _gru(), _gru_args()),
    Case("gru_sequence_backwards_masked", _gru(True, MASK), _gru_args(), order=1),
    Case("simple_rnn_sequence", _rnn(), _rnn_args()),
    Case("simple_rnn_sequence_masked_relu", _rnn(True, MASK, "relu"), _rnn_args(), order=1),
]
