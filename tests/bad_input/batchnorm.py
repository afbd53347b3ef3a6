"""Bad-input cases for cnnbook.batchnorm (see tests/test_bad_input.py)."""
import numpy as np

from cnnbook.batchnorm import (BatchNorm, group_norm, instance_norm, layer_norm, lenet_bn,
                               normalize, reestimate_bn)

X = np.ones((4, 3))
MAP = np.ones((2, 4, 4, 6))


IMAGES = np.zeros((4, 28, 28), np.uint8)


def reestimate_with(model=None, x=IMAGES):
    import keras

    if model is None:
        model = lenet_bn()
    elif model == "no-bn":
        model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                  keras.layers.Dense(2)])
    return reestimate_bn(model, x)


def backward_with(dy):
    layer = BatchNorm(3)
    layer.forward(np.arange(12.0).reshape(4, 3), training=True)
    return layer.backward(dy)


CASES = {
    "BatchNorm": [
        (lambda: BatchNorm(0), ValueError, "num_features"),
        (lambda: BatchNorm(3.0), TypeError, "num_features"),
        (lambda: BatchNorm(True), TypeError, "num_features"),
        (lambda: BatchNorm(3, momentum=1.5), ValueError, "momentum"),
        (lambda: BatchNorm(3, momentum="0.9"), TypeError, "momentum"),
        (lambda: BatchNorm(3, epsilon=0), ValueError, "epsilon"),
        (lambda: BatchNorm(3, epsilon=float("nan")), ValueError, "epsilon"),
        (lambda: BatchNorm(3).forward(np.ones((4, 5))), ValueError, "x"),
        (lambda: BatchNorm(3).forward(np.ones(3)), ValueError, "x"),
        (lambda: BatchNorm(3).forward(np.ones((0, 3))), ValueError, "x"),
        (lambda: BatchNorm(3).forward(X * 1j), TypeError, "x"),
        (lambda: BatchNorm(3).forward(X * np.nan), ValueError, "x"),
        (lambda: BatchNorm(3).forward("x"), TypeError, "x"),
        (lambda: BatchNorm(3).forward(X, training="False"), TypeError, "training"),
        (lambda: BatchNorm(3).forward(X, training=1), TypeError, "training"),
        (lambda: backward_with(np.ones((4, 2))), ValueError, "dy"),
        (lambda: backward_with(np.full((4, 3), np.inf)), ValueError, "dy"),
        (lambda: backward_with([["a"] * 3] * 4), TypeError, "dy"),
    ],
    "normalize": [
        (lambda: normalize(X, 0), TypeError, "axes"),
        (lambda: normalize(X, [2]), ValueError, "axes"),
        (lambda: normalize(X, [0.0]), TypeError, "axes"),
        (lambda: normalize(X, [1, -1]), ValueError, "axes"),
        (lambda: normalize(X, [0], epsilon=-1e-3), ValueError, "epsilon"),
        (lambda: normalize(X, [0], epsilon="small"), TypeError, "epsilon"),
        (lambda: normalize(X * 1j, [0]), TypeError, "x"),
        (lambda: normalize(np.float64(3.0), [0]), ValueError, "x"),
    ],
    "layer_norm": [
        (lambda: layer_norm(np.ones(5)), ValueError, "x"),
        (lambda: layer_norm(None), TypeError, "x"),
        (lambda: layer_norm(MAP, epsilon=0), ValueError, "epsilon"),
    ],
    "group_norm": [
        (lambda: group_norm(MAP, 4), ValueError, "groups"),
        (lambda: group_norm(MAP, 0), ValueError, "groups"),
        (lambda: group_norm(MAP, 7), ValueError, "groups"),
        (lambda: group_norm(MAP, 2.0), TypeError, "groups"),
        (lambda: group_norm(np.ones(6), 2), ValueError, "x"),
        (lambda: group_norm(MAP, 2, epsilon=True), TypeError, "epsilon"),
    ],
    "instance_norm": [
        (lambda: instance_norm(np.ones(6)), ValueError, "x"),
        (lambda: instance_norm(MAP * np.inf), ValueError, "x"),
        (lambda: instance_norm(MAP, epsilon=-1), ValueError, "epsilon"),
    ],
    "lenet_bn": [
        (lambda: lenet_bn("middle"), ValueError, "placement"),
        (lambda: lenet_bn(None), ValueError, "placement"),
        (lambda: lenet_bn(momentum=1.01), ValueError, "momentum"),
        (lambda: lenet_bn(momentum="0.9"), TypeError, "momentum"),
    ],
    "reestimate_bn": [
        (lambda: reestimate_with("lenet_bn"), TypeError, "model"),
        (lambda: reestimate_with("no-bn"), ValueError, "BatchNormalization"),
        (lambda: reestimate_with(x="x"), TypeError, "x"),
        (lambda: reestimate_with(x=np.zeros((28, 28))), ValueError, "x"),
        (lambda: reestimate_with(x=np.full((4, 28, 28), np.nan)), ValueError, "x"),
    ],
}
