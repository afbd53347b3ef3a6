"""Bad-input cases for cnnbook.classic (see tests/test_bad_input.py)."""
import numpy as np

from cnnbook.env import quiet_tensorflow

quiet_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

from cnnbook.classic import (alexnet, conv_bn_relu, count_macs, googlenet,  # noqa: E402
                             inception_block, layer_macs, model_receptive_field, nin,
                             nin_block, vgg, vgg_block)


def x():
    return keras.Input((8, 8, 3))


def tiny():
    inputs = keras.Input((8, 8, 1))
    y = layers.Conv2D(2, 3, name="c")(inputs)
    y = layers.Flatten(name="f")(y)
    return keras.Model(inputs, layers.Dense(2, name="d")(y))


SMALL = (28, 28, 1)
BLOCK = ["3a", 4, [4, 4], [2, 2], 2]

CASES = {
    "conv_bn_relu": [
        (lambda: conv_bn_relu(np.zeros((1, 8, 8, 3)), 4, 3, "c"), TypeError, "x"),
        (lambda: conv_bn_relu(keras.Input((8, 3)), 4, 3, "c"), ValueError, "x"),
        (lambda: conv_bn_relu(x(), 0, 3, "c"), ValueError, "filters"),
        (lambda: conv_bn_relu(x(), 4.0, 3, "c"), TypeError, "filters"),
        (lambda: conv_bn_relu(x(), 4, (3, 3, 3), "c"), ValueError, "kernel_size"),
        (lambda: conv_bn_relu(x(), 4, 3, 7), TypeError, "name"),
        (lambda: conv_bn_relu(x(), 4, 3, "c", strides=0), ValueError, "strides"),
        (lambda: conv_bn_relu(x(), 4, 3, "c", padding="SAME"), ValueError, "padding"),
        (lambda: conv_bn_relu(x(), 4, 3, "c", batch_norm="False"), TypeError, "batch_norm"),
    ],
    "alexnet": [
        (lambda: alexnet((224, 224)), ValueError, "input_shape"),
        (lambda: alexnet("224"), TypeError, "input_shape"),
        (lambda: alexnet((28, 28, 1)), ValueError, "input_shape"),
        (lambda: alexnet(SMALL, num_classes=0), ValueError, "num_classes"),
        (lambda: alexnet(SMALL, arch=[]), ValueError, "arch"),
        (lambda: alexnet(SMALL, arch=[[8, 3, 1]]), ValueError, "arch[0]"),
        (lambda: alexnet(SMALL, arch=[[8, 3, 1, 1]]), TypeError, "arch[0][3]"),
        (lambda: alexnet(SMALL, dense_units=[0]), ValueError, "dense_units[0]"),
        (lambda: alexnet(SMALL, dropout=1.0), ValueError, "dropout"),
        (lambda: alexnet(SMALL, pool_size=True), TypeError, "pool_size"),
        (lambda: alexnet(SMALL, first_padding="full"), ValueError, "first_padding"),
        (lambda: alexnet(SMALL, batch_norm=1), TypeError, "batch_norm"),
        (lambda: alexnet(SMALL, name=""), ValueError, "name"),
    ],
    "vgg_block": [
        (lambda: vgg_block("x", 2, 8, "b"), TypeError, "x"),
        (lambda: vgg_block(x(), 0, 8, "b"), ValueError, "num_convs"),
        (lambda: vgg_block(x(), 2, 2.5, "b"), TypeError, "filters"),
        (lambda: vgg_block(x(), 2, 8, None), TypeError, "name"),
        (lambda: vgg_block(x(), 2, 8, "b", batch_norm="yes"), TypeError, "batch_norm"),
    ],
    "vgg": [
        (lambda: vgg("vgg16"), TypeError, "conv_arch"),
        (lambda: vgg([[1, 8, 3]], SMALL), ValueError, "conv_arch[0]"),
        (lambda: vgg([[0, 8]], SMALL), ValueError, "conv_arch[0][0]"),
        (lambda: vgg([[1, 8]] * 6, SMALL), ValueError, "input_shape"),
        (lambda: vgg([[1, 8]], (0, 28, 1)), ValueError, "input_shape"),
        (lambda: vgg([[1, 8]], SMALL, dense_units=8), TypeError, "dense_units"),
        (lambda: vgg([[1, 8]], SMALL, dropout=-0.1), ValueError, "dropout"),
        (lambda: vgg([[1, 8]], SMALL, num_classes=2.0), TypeError, "num_classes"),
    ],
    "nin_block": [
        (lambda: nin_block(x(), 8, 3, 5), TypeError, "name"),
        (lambda: nin_block(x(), -1, 3, "n"), ValueError, "filters"),
        (lambda: nin_block(x(), 8, 0, "n"), ValueError, "kernel_size"),
        (lambda: nin_block(x(), 8, 3, "n", padding="causal"), ValueError, "padding"),
    ],
    "nin": [
        (lambda: nin(SMALL, arch=[[8, 3, 1, "full"]]), ValueError, "arch[0][3]"),
        (lambda: nin(SMALL, arch=[[8, 3, 1.5, "same"]]), TypeError, "arch[0][2]"),
        (lambda: nin(SMALL, arch="arch"), TypeError, "arch"),
        (lambda: nin(SMALL, num_classes=-3), ValueError, "num_classes"),
        (lambda: nin(SMALL, dropout="0.5"), TypeError, "dropout"),
        (lambda: nin(SMALL, pool_size=0), ValueError, "pool_size"),
        (lambda: nin((8, 8, 1)), ValueError, "input_shape"),
    ],
    "inception_block": [
        (lambda: inception_block(None, 4, (4, 4), (2, 2), 2, "i"), TypeError, "x"),
        (lambda: inception_block(x(), 0, (4, 4), (2, 2), 2, "i"), ValueError, "c1"),
        (lambda: inception_block(x(), 4, 4, (2, 2), 2, "i"), TypeError, "c2"),
        (lambda: inception_block(x(), 4, (4, 4, 4), (2, 2), 2, "i"), ValueError, "c2"),
        (lambda: inception_block(x(), 4, (4, 4), (2, 0), 2, "i"), ValueError, "c3"),
        (lambda: inception_block(x(), 4, (4, 4), (2, 2), True, "i"), TypeError, "c4"),
        (lambda: inception_block(x(), 4, (4, 4), (2, 2), 2, ["i"]), TypeError, "name"),
    ],
    "googlenet": [
        (lambda: googlenet(SMALL, stages=[]), ValueError, "stages"),
        (lambda: googlenet(SMALL, stages="3a"), TypeError, "stages"),
        (lambda: googlenet(SMALL, stages=[[BLOCK[:4]]], stem="small", stem_filters=[8]),
         ValueError, "stages[0][0]"),
        (lambda: googlenet(SMALL, stages=[[[3, 4, [4, 4], [2, 2], 2]]], stem="small",
                           stem_filters=[8]), TypeError, "stages[0][0][0]"),
        (lambda: googlenet(SMALL, stages=[[["3a", 4, [4], [2, 2], 2]]], stem="small",
                           stem_filters=[8]), ValueError, "stages[0][0][2]"),
        (lambda: googlenet(SMALL, stages=[[BLOCK]], stem="tiny"), ValueError, "stem"),
        (lambda: googlenet(SMALL, stages=[[BLOCK]], stem="small"), ValueError,
         "stem_filters"),
        (lambda: googlenet(SMALL, stages=[[BLOCK]], stem="small", stem_filters=[0]),
         ValueError, "stem_filters[0]"),
        (lambda: googlenet(SMALL, stages=[[BLOCK]], stem="small", stem_filters=[8],
                           dropout=2), ValueError, "dropout"),
        (lambda: googlenet((28, 28), stages=[[BLOCK]]), ValueError, "input_shape"),
    ],
    "layer_macs": [
        (lambda: layer_macs("conv"), TypeError, "layer"),
        (lambda: layer_macs(tiny), TypeError, "layer"),
    ],
    "count_macs": [
        (lambda: count_macs(layers.Dense(3)), TypeError, "model"),
        (lambda: count_macs([tiny()]), TypeError, "model"),
    ],
    "model_receptive_field": [
        (lambda: model_receptive_field("model"), TypeError, "model"),
        (lambda: model_receptive_field(tiny(), layer_name=3), TypeError, "layer_name"),
        (lambda: model_receptive_field(tiny(), layer_name="missing"), ValueError,
         "layer_name"),
    ],
}
