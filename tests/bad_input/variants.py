"""Bad-input cases for cnnbook.variants (see tests/test_bad_input.py)."""
import numpy as np

from cnnbook.env import quiet_tensorflow

quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.variants import (conv_cost, conv_transpose2d, conv_transpose_output_size,  # noqa: E402
                              depthwise_conv2d, dilate_kernel, dilated_conv2d,
                              effective_kernel_size, grouped_conv2d, mobilenet, mobilenet_block,
                              separable_conv2d)

X = np.zeros((1, 6, 6, 2), np.float32)
K = np.zeros((3, 3, 2, 4), np.float32)
KT = np.zeros((3, 3, 4, 2), np.float32)
DW = np.zeros((3, 3, 2, 1), np.float32)
PW = np.zeros((1, 1, 2, 5), np.float32)


def features():
    return keras.Input((8, 8, 4))


CASES = {
    "effective_kernel_size": [
        (lambda: effective_kernel_size(0, 2), ValueError, "k"),
        (lambda: effective_kernel_size(3.0, 2), TypeError, "k"),
        (lambda: effective_kernel_size(3, 0), ValueError, "dilation"),
        (lambda: effective_kernel_size(3, True), TypeError, "dilation")],
    "dilate_kernel": [
        (lambda: dilate_kernel("kernel", 2), TypeError, "kernel"),
        (lambda: dilate_kernel(np.zeros(3), 2), ValueError, "kernel"),
        (lambda: dilate_kernel(np.zeros((2, 2), complex), 2), TypeError, "kernel"),
        (lambda: dilate_kernel(K, 0), ValueError, "dilation"),
        (lambda: dilate_kernel(K, (2, 2, 2)), ValueError, "dilation"),
        (lambda: dilate_kernel(K, 1.5), TypeError, "dilation")],
    "dilated_conv2d": [
        (lambda: dilated_conv2d(X[0], K), ValueError, "x"),
        (lambda: dilated_conv2d([[["a"]]], K), TypeError, "x"),
        (lambda: dilated_conv2d(np.full_like(X, np.nan), K), ValueError, "x"),
        (lambda: dilated_conv2d(np.full(X.shape, 1e39), K), ValueError, "x"),
        (lambda: dilated_conv2d(X, K[:, :, :1]), ValueError, "kernel"),
        (lambda: dilated_conv2d(X, K[0]), ValueError, "kernel"),
        (lambda: dilated_conv2d(X, K, dilation=0), ValueError, "dilation"),
        (lambda: dilated_conv2d(X, K, dilation="2"), TypeError, "dilation"),
        (lambda: dilated_conv2d(X, K, strides=0), ValueError, "strides"),
        (lambda: dilated_conv2d(X, K, strides=True), TypeError, "strides"),
        (lambda: dilated_conv2d(X, K, padding="SAME"), ValueError, "padding"),
        (lambda: dilated_conv2d(X, K, padding=None), ValueError, "padding"),
        (lambda: dilated_conv2d(X, K, dilation=4), ValueError, "kernel")],
    "conv_transpose_output_size": [
        (lambda: conv_transpose_output_size(0, 3), ValueError, "n"),
        (lambda: conv_transpose_output_size(4.0, 3), TypeError, "n"),
        (lambda: conv_transpose_output_size(4, 0), ValueError, "k"),
        (lambda: conv_transpose_output_size(4, 3, strides=0), ValueError, "strides"),
        (lambda: conv_transpose_output_size(4, 3, padding="full"), ValueError, "padding"),
        (lambda: conv_transpose_output_size(4, 3, 2, output_padding=2), ValueError,
         "output_padding"),
        (lambda: conv_transpose_output_size(4, 3, 2, output_padding=-1), ValueError,
         "output_padding"),
        (lambda: conv_transpose_output_size(4, 3, 2, output_padding=0.5), TypeError,
         "output_padding"),
        (lambda: conv_transpose_output_size(4, 2, 2, "same", 0), ValueError, "output_padding")],
    "conv_transpose2d": [
        (lambda: conv_transpose2d(X.tolist()[0], KT), ValueError, "x"),
        (lambda: conv_transpose2d(X, K), ValueError, "kernel"),
        (lambda: conv_transpose2d(X, "KT"), TypeError, "kernel"),
        (lambda: conv_transpose2d(X, KT, strides=(1, 0)), ValueError, "strides"),
        (lambda: conv_transpose2d(X, KT, padding="causal"), ValueError, "padding"),
        (lambda: conv_transpose2d(X, KT, 2, output_padding=(1, 2)), ValueError, "output_padding"),
        (lambda: conv_transpose2d(X, KT, 1, output_padding=False), TypeError, "output_padding"),
        (lambda: conv_transpose2d(X, KT[:2, :2], 2, "same", 0), ValueError, "output_padding")],
    "depthwise_conv2d": [
        (lambda: depthwise_conv2d(None, DW), TypeError, "x"),
        (lambda: depthwise_conv2d(X, DW[:, :, :1]), ValueError, "kernel"),
        (lambda: depthwise_conv2d(X, np.zeros((7, 7, 2, 1))), ValueError, "kernel"),
        (lambda: depthwise_conv2d(X, DW, strides=-1), ValueError, "strides"),
        (lambda: depthwise_conv2d(X, DW, padding=1), ValueError, "padding")],
    "separable_conv2d": [
        (lambda: separable_conv2d(X, DW, PW[:, :, :1]), ValueError, "pointwise_kernel"),
        (lambda: separable_conv2d(X, DW, "PW"), TypeError, "pointwise_kernel"),
        (lambda: separable_conv2d(X, DW, np.zeros((3, 3, 2, 5))), ValueError, "pointwise_kernel"),
        (lambda: separable_conv2d(X, np.zeros((3, 3, 5, 1)), PW), ValueError, "depthwise_kernel"),
        (lambda: separable_conv2d(X[..., :1], DW, PW), ValueError, "depthwise_kernel"),
        (lambda: separable_conv2d(X, DW, PW, strides=0), ValueError, "strides")],
    "grouped_conv2d": [
        (lambda: grouped_conv2d(X, K[:, :, :1], 3), ValueError, "groups"),
        (lambda: grouped_conv2d(X, K[:, :, :1], 0), ValueError, "groups"),
        (lambda: grouped_conv2d(X, K[:, :, :1], 2.0), TypeError, "groups"),
        (lambda: grouped_conv2d(X, np.zeros((3, 3, 1, 3)), 2), ValueError, "groups"),
        (lambda: grouped_conv2d(X, K, 2), ValueError, "kernel"),
        (lambda: grouped_conv2d("x", K, 1), TypeError, "x")],
    "conv_cost": [
        (lambda: conv_cost(0, 3, 4, 5), ValueError, "k"),
        (lambda: conv_cost(3, 0, 4, 5), ValueError, "c_in"),
        (lambda: conv_cost(3, 3, "4", 5), TypeError, "c_out"),
        (lambda: conv_cost(3, 3, 4, (5, 0)), ValueError, "out_hw"),
        (lambda: conv_cost(3, 3, 4, 5, kind="dilated"), ValueError, "kind"),
        (lambda: conv_cost(3, 4, 4, 5, "grouped", groups=3), ValueError, "groups"),
        (lambda: conv_cost(3, 4, 4, 5, "standard", groups=2), ValueError, "groups"),
        (lambda: conv_cost(3, 4, 6, 5, "depthwise"), ValueError, "c_out")],
    "mobilenet_block": [
        (lambda: mobilenet_block("x", 8, "b"), TypeError, "x"),
        (lambda: mobilenet_block(keras.Input((8, 4)), 8, "b"), ValueError, "x"),
        (lambda: mobilenet_block(features(), 0, "b"), ValueError, "filters"),
        (lambda: mobilenet_block(features(), 8, ""), ValueError, "name"),
        (lambda: mobilenet_block(features(), 8, 3), TypeError, "name"),
        (lambda: mobilenet_block(features(), 8, "b", strides=0), ValueError, "strides"),
        (lambda: mobilenet_block(features(), 8, "b", depth_multiplier=1.5), TypeError,
         "depth_multiplier"),
        (lambda: mobilenet_block(features(), 8, "b", separable="no"), TypeError, "separable")],
    "mobilenet": [
        (lambda: mobilenet(input_shape=(224, 224)), ValueError, "input_shape"),
        (lambda: mobilenet(input_shape="224"), TypeError, "input_shape"),
        (lambda: mobilenet(blocks="big"), TypeError, "blocks"),
        (lambda: mobilenet(blocks=[(64, 1), (128, 0)]), ValueError, "blocks[1]"),
        (lambda: mobilenet(blocks=[(64, 1, 1)]), ValueError, "blocks[0]"),
        (lambda: mobilenet(num_classes=0), ValueError, "num_classes"),
        (lambda: mobilenet(alpha=0), ValueError, "alpha"),
        (lambda: mobilenet(alpha="1"), TypeError, "alpha"),
        (lambda: mobilenet(depth_multiplier=0), ValueError, "depth_multiplier"),
        (lambda: mobilenet(stem_strides=0), ValueError, "stem_strides"),
        (lambda: mobilenet(dropout=1.0), ValueError, "dropout"),
        (lambda: mobilenet(separable=1), TypeError, "separable"),
        (lambda: mobilenet(name=None), TypeError, "name")],
}
