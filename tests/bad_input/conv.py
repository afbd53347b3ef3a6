"""Bad-input cases for cnnbook.conv (see tests/test_bad_input.py)."""
import numpy as np

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
from cnnbook.conv import (as_tensor, conv_output_size, corr2d,  # noqa: E402
                          corr2d_strided, padding_pairs, receptive_field,
                          same_padding)

X = np.arange(16.0).reshape(4, 4)
K = np.ones((2, 2))
HUGE = np.full((3, 3), 1e39)
RAGGED = [[1.0, 2.0], [3.0]]

CASES = {
    "as_tensor": [
        (lambda: as_tensor("abc", "X"), TypeError, "X"),
        (lambda: as_tensor(None, "X"), TypeError, "X"),
        (lambda: as_tensor(X + 1j, "X"), TypeError, "X"),
        (lambda: as_tensor(HUGE, "X"), ValueError, "X"),
        (lambda: as_tensor(np.ones(3), "X"), ValueError, "X"),
        (lambda: as_tensor(np.ones((0, 3)), "X"), ValueError, "X"),
        (lambda: as_tensor(tf.constant([["a"]]), "X"), TypeError, "X"),
        (lambda: as_tensor(tf.complex(tf.ones((2, 2)), tf.ones((2, 2))), "X"),
         TypeError, "X"),
        (lambda: as_tensor(tf.constant(HUGE), "X"), ValueError, "X"),
        (lambda: as_tensor(tf.ones((2, 2, 2)), "X"), ValueError, "X"),
        (lambda: as_tensor(X, 3), TypeError, "name"),
        (lambda: as_tensor(X, "X", ndim=0), ValueError, "ndim"),
        (lambda: as_tensor(X, "X", ndim=2.0), TypeError, "ndim"),
        (lambda: as_tensor(X, "X", ndim=True), TypeError, "ndim"),
    ],
    "corr2d": [
        (lambda: corr2d("abc", K), TypeError, "X"),
        (lambda: corr2d(X, "abc"), TypeError, "K"),
        (lambda: corr2d(None, K), TypeError, "X"),
        (lambda: corr2d(RAGGED, K), TypeError, "X"),
        (lambda: corr2d(X + 1j, K), TypeError, "X"),
        (lambda: corr2d(X, K.astype(complex)), TypeError, "K"),
        (lambda: corr2d(HUGE, K), ValueError, "X"),
        (lambda: corr2d(X, np.full((2, 2), -1e39)), ValueError, "K"),
        (lambda: corr2d(np.ones((2, 3, 4)), K), ValueError, "X"),
        (lambda: corr2d(X, np.ones(2)), ValueError, "K"),
        (lambda: corr2d(np.ones((0, 3)), K), ValueError, "X"),
        (lambda: corr2d(X, np.ones((5, 1))), ValueError, "K"),
        (lambda: corr2d(np.array([[object()]]), K), TypeError, "X"),
    ],
    "receptive_field": [
        (lambda: receptive_field(3), TypeError, "kernel_sizes"),
        (lambda: receptive_field("33"), TypeError, "kernel_sizes"),
        (lambda: receptive_field([]), ValueError, "kernel_sizes"),
        (lambda: receptive_field([3, 0]), ValueError, "kernel_sizes"),
        (lambda: receptive_field([3.0]), TypeError, "kernel_sizes"),
        (lambda: receptive_field([True]), TypeError, "kernel_sizes"),
        (lambda: receptive_field([3, 3], [1]), ValueError, "strides"),
        (lambda: receptive_field([3], 2), TypeError, "strides"),
        (lambda: receptive_field([3], [0]), ValueError, "strides"),
        (lambda: receptive_field([3], [1.5]), TypeError, "strides"),
    ],
    "conv_output_size": [
        (lambda: conv_output_size(8.0, 3), TypeError, "n"),
        (lambda: conv_output_size(0, 3), ValueError, "n"),
        (lambda: conv_output_size(8, "3"), TypeError, "k"),
        (lambda: conv_output_size(8, 0), ValueError, "k"),
        (lambda: conv_output_size(8, 3, -1), ValueError, "p"),
        (lambda: conv_output_size(8, 3, True), TypeError, "p"),
        (lambda: conv_output_size(8, 3, 0, 0), ValueError, "s"),
        (lambda: conv_output_size(8, 3, 0, 1.0), TypeError, "s"),
        (lambda: conv_output_size(4, 7, 2, 1), ValueError, "k"),
    ],
    "padding_pairs": [
        (lambda: padding_pairs(1.5), TypeError, "padding"),
        (lambda: padding_pairs(True), TypeError, "padding"),
        (lambda: padding_pairs(None), TypeError, "padding"),
        (lambda: padding_pairs("1"), TypeError, "padding"),
        (lambda: padding_pairs(-1), ValueError, "padding"),
        (lambda: padding_pairs((1, 2, 3)), ValueError, "padding"),
        (lambda: padding_pairs((1, (2, 3))), TypeError, "padding"),
        (lambda: padding_pairs(((1, 2), (3,))), ValueError, "padding"),
        (lambda: padding_pairs(((1, 2), (3, -4))), ValueError, "padding"),
        (lambda: padding_pairs(((1, 2), (3, 4.0))), TypeError, "padding"),
    ],
    "corr2d_strided": [
        (lambda: corr2d_strided(X, K, padding=1.5), TypeError, "padding"),
        (lambda: corr2d_strided(X, K, padding=True), TypeError, "padding"),
        (lambda: corr2d_strided(X, K, padding=None), TypeError, "padding"),
        (lambda: corr2d_strided(X, K, padding=-1), ValueError, "padding"),
        (lambda: corr2d_strided(X, K, padding=(1, 2, 3)), ValueError,
         "padding"),
        (lambda: corr2d_strided(X, K, stride=1.0), TypeError, "stride"),
        (lambda: corr2d_strided(X, K, stride=True), TypeError, "stride"),
        (lambda: corr2d_strided(X, K, stride=0), ValueError, "stride"),
        (lambda: corr2d_strided(X, K, stride=(1, 0)), ValueError, "stride"),
        (lambda: corr2d_strided(X, K, stride=None), TypeError, "stride"),
        (lambda: corr2d_strided("abc", K), TypeError, "X"),
        (lambda: corr2d_strided(X + 1j, K), TypeError, "X"),
        (lambda: corr2d_strided(HUGE, K), ValueError, "X"),
        (lambda: corr2d_strided(X, np.ones((7, 7)), padding=1), ValueError,
         "K"),
    ],
    "same_padding": [
        (lambda: same_padding(8.0, 3), TypeError, "n"),
        (lambda: same_padding(0, 3), ValueError, "n"),
        (lambda: same_padding(8, None), TypeError, "k"),
        (lambda: same_padding(8, 0), ValueError, "k"),
        (lambda: same_padding(8, 3, 0), ValueError, "s"),
        (lambda: same_padding(8, 3, False), TypeError, "s"),
    ],
}
