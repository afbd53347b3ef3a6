"""Bad-input cases for cnnbook.channels (see tests/test_bad_input.py)."""
import numpy as np

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
from cnnbook.channels import (conv1x1_matmul, conv2d_params,  # noqa: E402
                              corr2d_multi_in, corr2d_multi_in_out)

X = np.ones((4, 4, 3))
K3 = np.ones((2, 2, 3))
K4 = np.ones((2, 2, 3, 2))
K1 = np.ones((1, 1, 3, 2))

CASES = {
    "corr2d_multi_in": [
        (lambda: corr2d_multi_in("abc", K3), TypeError, "X"),
        (lambda: corr2d_multi_in(X, None), TypeError, "K"),
        (lambda: corr2d_multi_in(X + 1j, K3), TypeError, "X"),
        (lambda: corr2d_multi_in(X, np.full((2, 2, 3), 1e39)), ValueError,
         "K"),
        (lambda: corr2d_multi_in(np.ones((4, 4)), K3), ValueError, "X"),
        (lambda: corr2d_multi_in(X, K4), ValueError, "K"),
        (lambda: corr2d_multi_in(X, np.ones((2, 2, 2))), ValueError, "K"),
        (lambda: corr2d_multi_in(np.ones((4, 4, 0)), np.ones((2, 2, 0))),
         ValueError, "X"),
        (lambda: corr2d_multi_in(X, np.ones((5, 1, 3))), ValueError, "K"),
    ],
    "corr2d_multi_in_out": [
        (lambda: corr2d_multi_in_out(X, "abc"), TypeError, "K"),
        (lambda: corr2d_multi_in_out(X + 1j, K4), TypeError, "X"),
        (lambda: corr2d_multi_in_out(X, K4 + 1j), TypeError, "K"),
        (lambda: corr2d_multi_in_out(X * 1e39, K4), ValueError, "X"),
        (lambda: corr2d_multi_in_out(X, K3), ValueError, "K"),
        (lambda: corr2d_multi_in_out(X, np.ones((2, 2, 3, 0))), ValueError,
         "K"),
        (lambda: corr2d_multi_in_out(X, np.ones((2, 2, 2, 4))), ValueError,
         "K"),
        (lambda: corr2d_multi_in_out(np.ones((4, 4)), K4), ValueError, "X"),
    ],
    "conv1x1_matmul": [
        (lambda: conv1x1_matmul("abc", K1), TypeError, "X"),
        (lambda: conv1x1_matmul(X, K1 + 1j), TypeError, "K"),
        (lambda: conv1x1_matmul(X, K1 * 1e39), ValueError, "K"),
        (lambda: conv1x1_matmul(np.ones((4, 4, 0)), np.ones((1, 1, 0, 2))),
         ValueError, "X"),
        (lambda: conv1x1_matmul(X, np.ones((1, 1, 3, 0))), ValueError, "K"),
        (lambda: conv1x1_matmul(X, K4), ValueError, "K"),
        (lambda: conv1x1_matmul(X, np.ones((1, 1, 2, 2))), ValueError, "K"),
        (lambda: conv1x1_matmul(np.ones((4, 4)), K1), ValueError, "X"),
    ],
    "conv2d_params": [
        (lambda: conv2d_params(3, 3, 3, 64, use_bias="False"), TypeError,
         "use_bias"),
        (lambda: conv2d_params(3, 3, 3, 64, use_bias=1), TypeError,
         "use_bias"),
        (lambda: conv2d_params(3, 3, 3, 64, use_bias=None), TypeError,
         "use_bias"),
        (lambda: conv2d_params(0, 3, 3, 64), ValueError, "kh"),
        (lambda: conv2d_params(3, 3.0, 3, 64), TypeError, "kw"),
        (lambda: conv2d_params(3, 3, True, 64), TypeError, "ci"),
        (lambda: conv2d_params(3, 3, 3, -1), ValueError, "co"),
        (lambda: conv2d_params(3, 3, 3, "64"), TypeError, "co"),
    ],
}
