"""Residual and densely connected network builders (chapter 11): ResNet and DenseNet.

DRAFT written ahead of chapter 11 so that the model zoo can train; chapter 11
takes these functions over in its ``# @save cnnbook/resnet.py`` cells.  The
zoo's weights load by layer name: keep names and layer order as they are.
"""
import keras
from keras import layers

from cnnbook.checks import check_int_seq

BN_EPSILON = 1.001e-5  # as keras.applications' ResNet and DenseNet


def _check_shape(input_shape):
    shape = tuple(check_int_seq("input_shape", input_shape, min=1))
    if len(shape) != 3:
        raise ValueError(f"input_shape 应为 (高, 宽, 通道) 三个正整数，收到 {input_shape!r}")
    return shape


def _bn(name):
    return layers.BatchNormalization(epsilon=BN_EPSILON, name=name)


def residual_block(x, filters, name, strides=1, conv_bias=False):
    """Basic residual block (ResNet-18/34): two 3x3 conv-BN, ReLU after the addition.

    The shortcut is the identity when the shape stays; otherwise a 1x1
    convolution with the same stride, followed by BN (the "projection").
    """
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=conv_bias,
                      name=f"{name}_conv1")(x)
    y = _bn(f"{name}_bn1")(y)
    y = layers.ReLU(name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=conv_bias, name=f"{name}_conv2")(y)
    y = _bn(f"{name}_bn2")(y)
    if strides != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=conv_bias,
                                 name=f"{name}_proj")(x)
        shortcut = _bn(f"{name}_proj_bn")(shortcut)
    y = layers.Add(name=f"{name}_add")([shortcut, y])
    return layers.ReLU(name=f"{name}_out")(y)


def bottleneck_block(x, filters, name, strides=1, conv_bias=False, expansion=4):
    """Bottleneck block (ResNet-50/101/152): 1x1 reduce, 3x3, 1x1 expand to 4*filters.

    The stride sits on the 3x3 convolution (torchvision's "ResNet v1.5"),
    except with conv_bias=True, which reproduces keras.applications.ResNet50
    (stride on the first 1x1, biases in every convolution).
    """
    shortcut = x
    s1, s3 = (strides, 1) if conv_bias else (1, strides)
    y = layers.Conv2D(filters, 1, strides=s1, use_bias=conv_bias, name=f"{name}_conv1")(x)
    y = _bn(f"{name}_bn1")(y)
    y = layers.ReLU(name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, strides=s3, padding="same", use_bias=conv_bias,
                      name=f"{name}_conv2")(y)
    y = _bn(f"{name}_bn2")(y)
    y = layers.ReLU(name=f"{name}_relu2")(y)
    y = layers.Conv2D(expansion * filters, 1, use_bias=conv_bias, name=f"{name}_conv3")(y)
    y = _bn(f"{name}_bn3")(y)
    if strides != 1 or x.shape[-1] != expansion * filters:
        shortcut = layers.Conv2D(expansion * filters, 1, strides=strides, use_bias=conv_bias,
                                 name=f"{name}_proj")(x)
        shortcut = _bn(f"{name}_proj_bn")(shortcut)
    y = layers.Add(name=f"{name}_add")([shortcut, y])
    return layers.ReLU(name=f"{name}_out")(y)


RESNET_STAGES = {  # (filters, blocks) per stage
    "resnet18": ((64, 2), (128, 2), (256, 2), (512, 2)),
    "resnet34": ((64, 3), (128, 4), (256, 6), (512, 3)),
    "resnet50": ((64, 3), (128, 4), (256, 6), (512, 3)),
}


def resnet(stages=RESNET_STAGES["resnet18"], block="basic", input_shape=(224, 224, 3),
           num_classes=1000, stem="imagenet", stem_filters=64, conv_bias=False, name="resnet"):
    """ResNet: a stem, stages of residual blocks (the first block of every stage but
    the first halves the resolution), global average pooling and one dense layer.

    stem="imagenet": 7x7/2 conv-BN-ReLU and a 3x3/2 max pool (224 -> 56);
    stem="small": one 3x3 conv-BN-ReLU (for 28x28 or 32x32 inputs).
    """
    input_shape = _check_shape(input_shape)
    if block not in ("basic", "bottleneck"):
        raise ValueError(f'block 应为 "basic" 或 "bottleneck"，收到 {block!r}')
    if stem not in ("imagenet", "small"):
        raise ValueError(f'stem 应为 "imagenet" 或 "small"，收到 {stem!r}')
    make = residual_block if block == "basic" else bottleneck_block
    inputs = keras.Input(input_shape, name="image")
    if stem == "imagenet":
        x = layers.ZeroPadding2D(3, name="stem_pad")(inputs)
        x = layers.Conv2D(stem_filters, 7, strides=2, use_bias=conv_bias, name="stem_conv")(x)
    else:
        x = layers.Conv2D(stem_filters, 3, padding="same", use_bias=conv_bias, name="stem_conv")(inputs)
    x = _bn("stem_bn")(x)
    x = layers.ReLU(name="stem_relu")(x)
    if stem == "imagenet":
        x = layers.ZeroPadding2D(1, name="stem_pool_pad")(x)
        x = layers.MaxPooling2D(3, strides=2, name="stem_pool")(x)
    for s, (filters, blocks) in enumerate(stages):
        for b in range(blocks):
            strides = 2 if (b == 0 and s > 0) else 1
            x = make(x, filters, f"stage{s + 1}_block{b + 1}", strides=strides, conv_bias=conv_bias)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)


def dense_layer(x, growth_rate, name, bottleneck=True):
    """One layer of a dense block: BN-ReLU-(1x1 conv to 4k)-BN-ReLU-3x3 conv to k channels,
    concatenated to its input."""
    y = _bn(f"{name}_bn1")(x)
    y = layers.ReLU(name=f"{name}_relu1")(y)
    if bottleneck:
        y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_conv1")(y)
        y = _bn(f"{name}_bn2")(y)
        y = layers.ReLU(name=f"{name}_relu2")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    return layers.Concatenate(axis=-1, name=f"{name}_concat")([x, y])


def dense_block(x, num_layers, growth_rate, name, bottleneck=True):
    """num_layers dense layers: the channels grow by growth_rate per layer."""
    for i in range(num_layers):
        x = dense_layer(x, growth_rate, f"{name}_layer{i + 1}", bottleneck=bottleneck)
    return x


def transition_block(x, reduction, name):
    """BN-ReLU-1x1 conv (channels times reduction) and a 2x2 average pool."""
    filters = int(x.shape[-1] * reduction)
    x = _bn(f"{name}_bn")(x)
    x = layers.ReLU(name=f"{name}_relu")(x)
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


DENSENET_BLOCKS = {"densenet121": (6, 12, 24, 16), "densenet169": (6, 12, 32, 32)}


def densenet(blocks=DENSENET_BLOCKS["densenet121"], growth_rate=32, input_shape=(224, 224, 3),
             num_classes=1000, stem="imagenet", stem_filters=64, reduction=0.5, bottleneck=True,
             name="densenet"):
    """DenseNet: a stem, dense blocks joined by transition blocks, BN-ReLU, global
    average pooling and one dense layer."""
    input_shape = _check_shape(input_shape)
    if stem not in ("imagenet", "small"):
        raise ValueError(f'stem 应为 "imagenet" 或 "small"，收到 {stem!r}')
    inputs = keras.Input(input_shape, name="image")
    if stem == "imagenet":
        x = layers.ZeroPadding2D(3, name="stem_pad")(inputs)
        x = layers.Conv2D(stem_filters, 7, strides=2, use_bias=False, name="stem_conv")(x)
        x = _bn("stem_bn")(x)
        x = layers.ReLU(name="stem_relu")(x)
        x = layers.ZeroPadding2D(1, name="stem_pool_pad")(x)
        x = layers.MaxPooling2D(3, strides=2, name="stem_pool")(x)
    else:
        x = layers.Conv2D(stem_filters, 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    for i, num_layers in enumerate(blocks):
        x = dense_block(x, num_layers, growth_rate, f"dense{i + 1}", bottleneck=bottleneck)
        if i < len(blocks) - 1:
            x = transition_block(x, reduction, f"transition{i + 1}")
    x = _bn("final_bn")(x)
    x = layers.ReLU(name="final_relu")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)
