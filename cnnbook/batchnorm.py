"""Batch normalization (chapter 9): BN-LeNet.

DRAFT written ahead of chapter 9 so that the model zoo can train; chapter 9
takes this function over in its ``# @save cnnbook/batchnorm.py`` cells.  The
zoo's weights load by layer name: keep names and layer order as they are.
"""
import keras
from keras import layers


def lenet_bn():
    """LeNet (chapter 6, ReLU + max pooling) with batch normalization after every
    convolutional and hidden dense layer, before the activation.  The layers in
    front of a BN layer have no bias: BN's beta takes its place."""
    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(6, 5, padding="same", use_bias=False, name="conv1")(inputs)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.ReLU(name="relu1")(x)
    x = layers.MaxPooling2D(2, strides=2, name="pool1")(x)
    x = layers.Conv2D(16, 5, use_bias=False, name="conv2")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.ReLU(name="relu2")(x)
    x = layers.MaxPooling2D(2, strides=2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(120, use_bias=False, name="dense1")(x)
    x = layers.BatchNormalization(name="bn3")(x)
    x = layers.ReLU(name="relu3")(x)
    x = layers.Dense(84, use_bias=False, name="dense2")(x)
    x = layers.BatchNormalization(name="bn4")(x)
    x = layers.ReLU(name="relu4")(x)
    outputs = layers.Dense(10, name="logits")(x)
    return keras.Model(inputs, outputs, name="lenet_bn")
