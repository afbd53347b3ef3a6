"""Bad-input cases for cnnbook.pooling (see tests/test_bad_input.py)."""
import numpy as np

from cnnbook.pooling import pool2d

Z = np.zeros((4, 4), dtype="float32")

CASES = {
    "pool2d": [
        (lambda: pool2d("abc", 2), TypeError, "X"),
        (lambda: pool2d(None, 2), TypeError, "X"),
        (lambda: pool2d(np.zeros((4, 4), dtype=complex), 2), TypeError, "X"),
        (lambda: pool2d([[1, 2], [3]], 1), TypeError, "X"),
        (lambda: pool2d(np.zeros(4), 1), ValueError, "X"),
        (lambda: pool2d(np.zeros((1, 4, 4, 1)), 2), ValueError, "X"),
        (lambda: pool2d(np.zeros((0, 4)), 1), ValueError, "X"),
        (lambda: pool2d(np.full((2, 2), 1e39), 2), ValueError, "X"),
        (lambda: pool2d(Z, 1.5), TypeError, "pool_size"),
        (lambda: pool2d(Z, True), TypeError, "pool_size"),
        (lambda: pool2d(Z, None), TypeError, "pool_size"),
        (lambda: pool2d(Z, "2"), TypeError, "pool_size"),
        (lambda: pool2d(Z, 0), ValueError, "pool_size"),
        (lambda: pool2d(Z, (2, 2, 2)), ValueError, "pool_size"),
        (lambda: pool2d(Z, (2, 2.0)), TypeError, "pool_size"),
        (lambda: pool2d(Z, 5), ValueError, "pool_size"),
        (lambda: pool2d(Z, 2, strides=0), ValueError, "strides"),
        (lambda: pool2d(Z, 2, strides=-1), ValueError, "strides"),
        (lambda: pool2d(Z, 2, strides=1.0), TypeError, "strides"),
        (lambda: pool2d(Z, 2, strides="2"), TypeError, "strides"),
        (lambda: pool2d(Z, 2, strides=(1, False)), TypeError, "strides"),
        (lambda: pool2d(Z, 2, mode="min"), ValueError, "mode"),
        (lambda: pool2d(Z, 2, mode="MAX"), ValueError, "mode"),
        (lambda: pool2d(Z, 2, mode=None), TypeError, "mode"),
        (lambda: pool2d(Z, 2, mode=1), TypeError, "mode"),
    ],
}
