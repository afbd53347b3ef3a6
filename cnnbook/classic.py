"""Classic CNN builders (chapter 10): AlexNet, VGG, NiN, GoogLeNet.

DRAFT written ahead of chapter 10 so that the model zoo can train; chapter 10
takes these functions over in its ``# @save cnnbook/classic.py`` cells.  The
zoo's weights load by layer name: keep names and layer order as they are.

Every builder is a functional Keras builder: blocks are plain functions from
a tensor to a tensor, and every layer gets an explicit name derived from its
block's name, so summaries stay readable and "Run All" twice prints the same.
"""
import keras
from keras import layers

from cnnbook.checks import check_bool, check_float, check_int, check_int_seq, check_str


def _check_shape(input_shape):
    shape = tuple(check_int_seq("input_shape", input_shape, min=1))
    if len(shape) != 3:
        raise ValueError(f"input_shape 应为 (高, 宽, 通道) 三个正整数，收到 {input_shape!r}")
    return shape


def conv_bn_relu(x, filters, kernel_size, name, strides=1, padding="same", batch_norm=False):
    """Conv2D → (BatchNormalization) → ReLU; the conv has no bias when BN follows it."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=not batch_norm, name=f"{name}_conv")(x)
    if batch_norm:
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def _dense_head(x, dense_units, dropout, num_classes):
    for j, units in enumerate(dense_units):
        x = layers.Dense(units, activation="relu", name=f"fc{j + 1}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout{j + 1}")(x)
    return layers.Dense(num_classes, name="logits")(x)


ALEXNET_ARCH = (  # (filters, kernel, stride, pool after?) of the five conv layers
    (96, 11, 4, True), (256, 5, 1, True), (384, 3, 1, False), (384, 3, 1, False), (256, 3, 1, True))


def alexnet(input_shape=(224, 224, 3), num_classes=1000, arch=ALEXNET_ARCH,
            dense_units=(4096, 4096), dropout=0.5, pool_size=3, first_padding="valid",
            batch_norm=False, name="alexnet"):
    """AlexNet (single-GPU form, as in d2l): five convs, three max pools, two dropout dense layers."""
    input_shape = _check_shape(input_shape)
    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for i, (filters, kernel, stride, pool) in enumerate(arch):
        x = conv_bn_relu(x, filters, kernel, f"conv{i + 1}", strides=stride,
                         padding=first_padding if i == 0 else "same", batch_norm=batch_norm)
        if pool:
            x = layers.MaxPooling2D(pool_size, strides=2, name=f"pool{i + 1}")(x)
    x = layers.Flatten(name="flatten")(x)
    return keras.Model(inputs, _dense_head(x, dense_units, dropout, num_classes), name=name)


def vgg_block(x, num_convs, filters, name, batch_norm=False):
    """A VGG block: num_convs 3x3 convolutions (same padding) and a 2x2 max pool."""
    for i in range(num_convs):
        x = conv_bn_relu(x, filters, 3, f"{name}_{i + 1}", batch_norm=batch_norm)
    return layers.MaxPooling2D(2, name=f"{name}_pool")(x)


VGG_ARCHS = {
    "vgg11": ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)),
    "vgg13": ((2, 64), (2, 128), (2, 256), (2, 512), (2, 512)),
    "vgg16": ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)),
    "vgg19": ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512)),
}


def vgg(conv_arch=VGG_ARCHS["vgg16"], input_shape=(224, 224, 3), num_classes=1000,
        dense_units=(4096, 4096), dropout=0.5, batch_norm=False, name="vgg"):
    """VGG from a list of (number of convs, filters) blocks and a dense head."""
    input_shape = _check_shape(input_shape)
    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for i, (num_convs, filters) in enumerate(conv_arch):
        x = vgg_block(x, num_convs, filters, f"block{i + 1}", batch_norm=batch_norm)
    x = layers.Flatten(name="flatten")(x)
    return keras.Model(inputs, _dense_head(x, dense_units, dropout, num_classes), name=name)


def nin_block(x, filters, kernel_size, name, strides=1, padding="same", batch_norm=False):
    """A NiN block: one kxk convolution, then two 1x1 convolutions (per-pixel dense layers)."""
    x = conv_bn_relu(x, filters, kernel_size, f"{name}_a", strides=strides, padding=padding,
                     batch_norm=batch_norm)
    x = conv_bn_relu(x, filters, 1, f"{name}_b", batch_norm=batch_norm)
    return conv_bn_relu(x, filters, 1, f"{name}_c", batch_norm=batch_norm)


NIN_ARCH = ((96, 11, 4, "valid"), (256, 5, 1, "same"), (384, 3, 1, "same"))


def nin(input_shape=(224, 224, 3), num_classes=1000, arch=NIN_ARCH, dropout=0.5,
        pool_size=3, batch_norm=False, name="nin"):
    """Network in Network: NiN blocks with max pools, a last block with num_classes
    channels and global average pooling instead of a dense head."""
    input_shape = _check_shape(input_shape)
    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for i, (filters, kernel, stride, padding) in enumerate(arch):
        x = nin_block(x, filters, kernel, f"nin{i + 1}", strides=stride, padding=padding,
                      batch_norm=batch_norm)
        x = layers.MaxPooling2D(pool_size, strides=2, name=f"pool{i + 1}")(x)
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    x = nin_block(x, num_classes, 3, f"nin{len(arch) + 1}", batch_norm=batch_norm)
    outputs = layers.GlobalAveragePooling2D(name="gap")(x)
    return keras.Model(inputs, outputs, name=name)


def inception_block(x, c1, c2, c3, c4, name, batch_norm=False):
    """Inception block: four parallel paths concatenated on the channel axis.

    c1: 1x1 conv; c2 = (1x1 reduce, 3x3); c3 = (1x1 reduce, 5x5); c4: 3x3 max pool then 1x1.
    """
    p1 = conv_bn_relu(x, c1, 1, f"{name}_p1", batch_norm=batch_norm)
    p2 = conv_bn_relu(x, c2[0], 1, f"{name}_p2a", batch_norm=batch_norm)
    p2 = conv_bn_relu(p2, c2[1], 3, f"{name}_p2b", batch_norm=batch_norm)
    p3 = conv_bn_relu(x, c3[0], 1, f"{name}_p3a", batch_norm=batch_norm)
    p3 = conv_bn_relu(p3, c3[1], 5, f"{name}_p3b", batch_norm=batch_norm)
    p4 = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_p4pool")(x)
    p4 = conv_bn_relu(p4, c4, 1, f"{name}_p4b", batch_norm=batch_norm)
    return layers.Concatenate(axis=-1, name=f"{name}_concat")([p1, p2, p3, p4])


# GoogLeNet (Szegedy et al. 2015, table 1): inception blocks per stage, a max pool between stages
GOOGLENET_STAGES = (
    (("3a", 64, (96, 128), (16, 32), 32), ("3b", 128, (128, 192), (32, 96), 64)),
    (("4a", 192, (96, 208), (16, 48), 64), ("4b", 160, (112, 224), (24, 64), 64),
     ("4c", 128, (128, 256), (24, 64), 64), ("4d", 112, (144, 288), (32, 64), 64),
     ("4e", 256, (160, 320), (32, 128), 128)),
    (("5a", 256, (160, 320), (32, 128), 128), ("5b", 384, (192, 384), (48, 128), 128)),
)


def googlenet(input_shape=(224, 224, 3), num_classes=1000, stages=GOOGLENET_STAGES,
              stem="imagenet", stem_filters=(64, 64, 192), dropout=0.4, batch_norm=False,
              name="googlenet"):
    """GoogLeNet (without the auxiliary classifiers and LRN): a stem, inception stages
    with 3x3/2 max pools between them, global average pooling and one dense layer.

    stem="imagenet": 7x7/2 conv, pool, 1x1 conv, 3x3 conv, pool (224 -> 28);
    stem="small": a 3x3 conv with stem_filters[0] channels and a 3x3/2 max pool
    (for 28x28 inputs: 28 -> 14).
    """
    input_shape = _check_shape(input_shape)
    check_str("stem", stem)
    if stem not in ("imagenet", "small"):
        raise ValueError(f'stem 应为 "imagenet" 或 "small"，收到 {stem!r}')
    inputs = keras.Input(input_shape, name="image")
    if stem == "imagenet":
        x = conv_bn_relu(inputs, stem_filters[0], 7, "stem1", strides=2, batch_norm=batch_norm)
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool1")(x)
        x = conv_bn_relu(x, stem_filters[1], 1, "stem2", batch_norm=batch_norm)
        x = conv_bn_relu(x, stem_filters[2], 3, "stem3", batch_norm=batch_norm)
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool2")(x)
    else:
        x = conv_bn_relu(inputs, stem_filters[0], 3, "stem1", batch_norm=batch_norm)
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool1")(x)
    for s, stage in enumerate(stages):
        if s > 0:
            x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool{s + 2}")(x)
        for block_name, c1, c2, c3, c4 in stage:
            x = inception_block(x, c1, c2, c3, c4, f"inception{block_name}", batch_norm=batch_norm)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)
