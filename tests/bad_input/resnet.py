"""Bad-input cases for cnnbook.resnet (see tests/test_bad_input.py)."""
import numpy as np

from cnnbook.env import quiet_tensorflow

quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.resnet import (bottleneck_block, dense_block, dense_layer,  # noqa: E402
                            densenet, resnet, residual_block,
                            transition_block)


def x():
    return keras.Input((8, 8, 4))


SMALL = (28, 28, 1)
STAGES = [(4, 1), (8, 1)]

CASES = {
    "residual_block": [
        (lambda: residual_block(np.zeros((1, 8, 8, 4)), 4, "b"), TypeError, "x"),
        (lambda: residual_block(keras.Input((8, 4)), 4, "b"), ValueError, "x"),
        (lambda: residual_block(x(), 0, "b"), ValueError, "filters"),
        (lambda: residual_block(x(), 4.0, "b"), TypeError, "filters"),
        (lambda: residual_block(x(), True, "b"), TypeError, "filters"),
        (lambda: residual_block(x(), 4, 3), TypeError, "name"),
        (lambda: residual_block(x(), 4, ""), ValueError, "name"),
        (lambda: residual_block(x(), 4, "b", strides=0), ValueError, "strides"),
        (lambda: residual_block(x(), 4, "b", conv_bias="False"), TypeError, "conv_bias"),
        (lambda: residual_block(x(), 4, "b", shortcut=1), TypeError, "shortcut"),
        (lambda: residual_block(x(), 4, "b", zero_init=None), TypeError, "zero_init"),
        (lambda: residual_block(x(), 4, "b", proj_bn="yes"), TypeError, "proj_bn"),
    ],
    "bottleneck_block": [
        (lambda: bottleneck_block("x", 4, "b"), TypeError, "x"),
        (lambda: bottleneck_block(x(), -1, "b"), ValueError, "filters"),
        (lambda: bottleneck_block(x(), 4, None), TypeError, "name"),
        (lambda: bottleneck_block(x(), 4, "b", strides=2.0), TypeError, "strides"),
        (lambda: bottleneck_block(x(), 4, "b", conv_bias=0), TypeError, "conv_bias"),
        (lambda: bottleneck_block(x(), 4, "b", shortcut="True"), TypeError, "shortcut"),
        (lambda: bottleneck_block(x(), 4, "b", zero_init=1), TypeError, "zero_init"),
        (lambda: bottleneck_block(x(), 4, "b", expansion=0), ValueError, "expansion"),
        (lambda: bottleneck_block(x(), 4, "b", stride_at="3"), ValueError, "stride_at"),
    ],
    "resnet": [
        (lambda: resnet("resnet18"), TypeError, "stages"),
        (lambda: resnet([]), ValueError, "stages"),
        (lambda: resnet([(64, 2, 1)]), ValueError, "stages[0]"),
        (lambda: resnet([(64, 0)]), ValueError, "stages[0]"),
        (lambda: resnet([(64.0, 2)]), TypeError, "stages[0]"),
        (lambda: resnet(STAGES, block="basic2"), ValueError, "block"),
        (lambda: resnet(STAGES, input_shape=(28, 28)), ValueError, "input_shape"),
        (lambda: resnet(STAGES, input_shape="28"), TypeError, "input_shape"),
        (lambda: resnet(STAGES, input_shape=SMALL, num_classes=0), ValueError,
         "num_classes"),
        (lambda: resnet(STAGES, input_shape=SMALL, stem="cifar"), ValueError, "stem"),
        (lambda: resnet(STAGES, input_shape=SMALL, stem_filters=0), ValueError,
         "stem_filters"),
        (lambda: resnet(STAGES, input_shape=SMALL, conv_bias="no"), TypeError,
         "conv_bias"),
        (lambda: resnet(STAGES, input_shape=SMALL, name=""), ValueError, "name"),
        (lambda: resnet(STAGES, input_shape=SMALL, shortcut=0), TypeError, "shortcut"),
        (lambda: resnet(STAGES, input_shape=SMALL, zero_init="0"), TypeError, "zero_init"),
        (lambda: resnet(STAGES, input_shape=SMALL, proj_bn=None), TypeError, "proj_bn"),
        (lambda: resnet(STAGES, "bottleneck", SMALL, proj_bn=False), ValueError,
         "proj_bn"),
        (lambda: resnet(STAGES, input_shape=SMALL, stride_at="2x2"), ValueError,
         "stride_at"),
    ],
    "dense_layer": [
        (lambda: dense_layer([1, 2], 4, "l"), TypeError, "x"),
        (lambda: dense_layer(keras.Input((4,)), 4, "l"), ValueError, "x"),
        (lambda: dense_layer(x(), 0, "l"), ValueError, "growth_rate"),
        (lambda: dense_layer(x(), 4, 5), TypeError, "name"),
        (lambda: dense_layer(x(), 4, "l", bottleneck="False"), TypeError, "bottleneck"),
    ],
    "dense_block": [
        (lambda: dense_block(None, 2, 4, "d"), TypeError, "x"),
        (lambda: dense_block(x(), 0, 4, "d"), ValueError, "num_layers"),
        (lambda: dense_block(x(), 2.5, 4, "d"), TypeError, "num_layers"),
        (lambda: dense_block(x(), 2, -4, "d"), ValueError, "growth_rate"),
        (lambda: dense_block(x(), 2, 4, ""), ValueError, "name"),
        (lambda: dense_block(x(), 2, 4, "d", bottleneck=1), TypeError, "bottleneck"),
    ],
    "transition_block": [
        (lambda: transition_block(np.ones((1, 8, 8, 4)), 0.5, "t"), TypeError, "x"),
        (lambda: transition_block(x(), 0.0, "t"), ValueError, "reduction"),
        (lambda: transition_block(x(), 1.5, "t"), ValueError, "reduction"),
        (lambda: transition_block(x(), "0.5", "t"), TypeError, "reduction"),
        (lambda: transition_block(x(), 0.1, "t"), ValueError, "reduction"),
        (lambda: transition_block(x(), 0.5, 1), TypeError, "name"),
    ],
    "densenet": [
        (lambda: densenet([]), ValueError, "blocks"),
        (lambda: densenet([2, 0]), ValueError, "blocks"),
        (lambda: densenet("6,12"), TypeError, "blocks"),
        (lambda: densenet([2], growth_rate=0), ValueError, "growth_rate"),
        (lambda: densenet([2], input_shape=(28, 28, 0)), ValueError, "input_shape"),
        (lambda: densenet([2], input_shape=SMALL, num_classes=1.5), TypeError,
         "num_classes"),
        (lambda: densenet([2], input_shape=SMALL, stem="tiny"), ValueError, "stem"),
        (lambda: densenet([2], input_shape=SMALL, stem_filters=None), TypeError,
         "stem_filters"),
        (lambda: densenet([2], input_shape=SMALL, reduction=0), ValueError, "reduction"),
        (lambda: densenet([2], input_shape=SMALL, bottleneck="True"), TypeError,
         "bottleneck"),
        (lambda: densenet([2], input_shape=SMALL, name=3), TypeError, "name"),
    ],
}
