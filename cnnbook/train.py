"""Training helper of Part II: one way to feed, compile, fit and evaluate.

Every Part II chapter and the model zoo (``tools/zoo.py``) train with
:func:`fit`: images go through a ``tf.data`` pipeline (scaled to [0, 1],
optionally augmented with a random horizontal flip and a random shift of up
to ``shift`` pixels), the model is compiled with a cosine-decayed learning
rate and sparse categorical cross-entropy on logits, ``model.fit`` runs with
``verbose=0`` and a :class:`CompactProgress` callback prints one short line
per epoch (never a progress bar).  :func:`evaluate` gives the test accuracy;
on a CPU it is deterministic, so a chapter can print it exactly.
"""
import math
import time
import weakref
from dataclasses import dataclass, field

import numpy as np

from cnnbook.checks import (check_array, check_bool, check_choice, check_float, check_int,
                            check_model, check_str)
from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
import keras  # noqa: E402

OPTIMIZERS = ("adam", "adamw", "sgd", "momentum")
SCHEDULES = ("cosine", "constant")


def _check_images(name, x):
    x = check_array(name, x, ndim=(3, 4), finite=True)
    if x.ndim == 3:
        x = x[..., None]
    return x


def _check_labels(name, y, n):
    y = check_array(name, y, ndim=1)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} 应为整数类别标签，收到元素类型 {y.dtype}")
    if len(y) != n:
        raise ValueError(f"{name} 应有 {n} 个标签（与图像数相同），收到 {len(y)} 个")
    if y.min() < 0:
        raise ValueError(f"{name} 中的类别标签应为非负整数，收到最小值 {int(y.min())}")
    return y.astype(np.int32)


def to_float(x):
    """uint8 images (N, H, W) or (N, H, W, C) -> float32 (N, H, W, C) in [0, 1]."""
    x = _check_images("x", x)
    scale = 255.0 if x.dtype == np.uint8 else 1.0
    return (x.astype(np.float32) / scale).astype(np.float32)


def make_dataset(x, y, batch_size=128, shuffle=False, augment=False, shift=2, seed=0):
    """A batched ``tf.data.Dataset`` of (float32 images in [0, 1], int32 labels).

    shuffle reshuffles every epoch (seeded); augment flips each image left-right
    with probability 1/2 and shifts it by up to ``shift`` pixels (zero padding,
    then a random crop), with stateless random ops seeded per example, so a
    run is reproducible.
    """
    x = _check_images("x", x)
    y = _check_labels("y", y, len(x))
    batch_size = check_int("batch_size", batch_size, min=1)
    shuffle, augment = check_bool("shuffle", shuffle), check_bool("augment", augment)
    shift = check_int("shift", shift, min=0)
    seed = check_int("seed", seed, min=0)
    scale = 255.0 if x.dtype == np.uint8 else 1.0
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    if augment:
        h, w, c = x.shape[1:]
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)

        def _augment(pair, s):
            img, label = pair
            img = tf.cast(img, tf.float32) / scale
            s2 = tf.stack([s, s + 1])
            img = tf.image.stateless_random_flip_left_right(img, seed=s2[0])
            if shift:
                img = tf.pad(img, [[shift, shift], [shift, shift], [0, 0]])
                img = tf.image.stateless_random_crop(img, (h, w, c), seed=s2[1])
            return img, label

        ds = tf.data.Dataset.zip((ds, seeds)).map(
            _augment, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        ds = ds.batch(batch_size)
    else:
        ds = ds.batch(batch_size).map(lambda a, b: (tf.cast(a, tf.float32) / scale, b))
    return ds.prefetch(tf.data.AUTOTUNE)


def make_optimizer(name="adam", lr=3e-3, total_steps=None, schedule="cosine", weight_decay=0.0):
    """An optimizer whose learning rate follows a cosine decay to 0 over total_steps."""
    check_choice("optimizer", name, OPTIMIZERS)
    check_choice("schedule", schedule, SCHEDULES)
    lr = check_float("lr", lr, min=0, min_open=True)
    weight_decay = check_float("weight_decay", weight_decay, min=0)
    if schedule == "cosine":
        total_steps = check_int("total_steps", total_steps, min=1)
        lr = keras.optimizers.schedules.CosineDecay(lr, total_steps)
    if name == "adam":
        return keras.optimizers.Adam(lr)
    if name == "adamw":
        return keras.optimizers.AdamW(lr, weight_decay=weight_decay)
    return keras.optimizers.SGD(lr, momentum=0.9 if name == "momentum" else 0.0)


def compile_model(model, optimizer="adam", lr=3e-3, total_steps=None, schedule="cosine",
                  weight_decay=0.0, label_smoothing=0.0):
    """Compile a logits model with cross-entropy and accuracy; returns the model.

    The optimizer's state variables (Adam: two per trainable variable) are
    built here, before training.  Keras would otherwise create them while the
    training step is first traced, and a ``tf.function`` that creates variables
    on its first call is traced a second time (keras 3.15 TensorFlow trainer,
    TF 2.21 ``polymorphic_function``): building them first saves one trace of
    every ``fit``, a few seconds for a deep network, and changes no number.
    """
    check_model("model", model)
    label_smoothing = check_float("label_smoothing", label_smoothing, min=0, max=1, max_open=True)
    if label_smoothing:
        # Keras' sparse loss has no label smoothing: one-hot labels in the loss only
        loss = _SmoothedSparseCE(label_smoothing)
    else:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(
        optimizer=make_optimizer(optimizer, lr, total_steps, schedule, weight_decay),
        loss=loss,
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    model.optimizer.build(model.trainable_variables)
    return model


class _SmoothedSparseCE(keras.losses.Loss):
    """Cross-entropy on logits with integer labels and label smoothing."""

    def __init__(self, smoothing, name="smoothed_sparse_ce"):
        super().__init__(name=name)
        self.smoothing = smoothing

    def call(self, y_true, y_pred):
        n = keras.ops.shape(y_pred)[-1]
        onehot = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32"), n)
        return keras.losses.categorical_crossentropy(
            onehot, y_pred, from_logits=True, label_smoothing=self.smoothing)


class CompactProgress(keras.callbacks.Callback):
    """One line per epoch: loss, training accuracy, (test accuracy) and seconds.

    ``every`` prints only every n-th epoch (and the last one).
    """

    def __init__(self, epochs, every=1, prefix=""):
        super().__init__()
        self.epochs = check_int("epochs", epochs, min=1)
        self.every = check_int("every", every, min=1)
        self.prefix = check_str("prefix", prefix, nonempty=False)

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        n = epoch + 1
        if n % self.every and n != self.epochs:
            return
        parts = [f"{self.prefix}第 {n:>2}/{self.epochs} 轮", f"损失 {logs.get('loss', float('nan')):.4f}",
                 f"训练准确率 {logs.get('accuracy', float('nan')):.4f}"]
        if "val_accuracy" in logs:
            parts.append(f"测试准确率 {logs['val_accuracy']:.4f}")
        parts.append(f"{time.perf_counter() - self._start:.1f} s")
        print("  ".join(parts), flush=True)


@dataclass
class FitResult:
    """What :func:`fit` measured: per-epoch history, wall time and training throughput."""
    history: dict
    seconds: float
    examples_per_second: float
    epochs: int
    steps: int = field(default=0)

    def __post_init__(self):
        if not isinstance(self.history, dict):
            raise TypeError(f"history 应为 dict（指标名 -> 每轮的值），收到 {type(self.history).__name__}")

    def final(self, key):
        return self.history[key][-1]


def fit(model, x, y, *, epochs, batch_size=128, optimizer="adam", lr=3e-3, schedule="cosine",
        weight_decay=0.0, label_smoothing=0.0, augment=False, shift=2, validation_data=None,
        seed=0, verbose=True, every=1, prefix="", callbacks=()):
    """Compile ``model`` and train it on (x, y); return a :class:`FitResult`.

    x: uint8 or float images (N, H, W) / (N, H, W, C); y: integer labels.
    validation_data=(x_test, y_test) is evaluated after every epoch (its time
    is part of ``seconds`` but not of ``examples_per_second``).
    """
    check_model("model", model)
    epochs = check_int("epochs", epochs, min=1)
    verbose = check_bool("verbose", verbose)
    x = _check_images("x", x)
    y = _check_labels("y", y, len(x))
    batch_size = check_int("batch_size", batch_size, min=1)
    steps = math.ceil(len(x) / batch_size)
    compile_model(model, optimizer, lr, steps * epochs, schedule, weight_decay, label_smoothing)
    train = make_dataset(x, y, batch_size, shuffle=True, augment=augment, shift=shift, seed=seed)
    val = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError("validation_data 应为 (x_test, y_test) 二元组")
        val = make_dataset(*validation_data, batch_size=500)
    timer = _TrainTimer()
    cbs = [timer] + ([CompactProgress(epochs, every, prefix)] if verbose else []) + list(callbacks)
    start = time.perf_counter()
    hist = model.fit(train, epochs=epochs, validation_data=val, verbose=0, callbacks=cbs,
                     shuffle=False)  # the dataset shuffles itself (seeded)
    seconds = time.perf_counter() - start
    rate = len(x) * epochs / max(timer.train_seconds, 1e-9)
    return FitResult({k: [float(v) for v in vals] for k, vals in hist.history.items()},
                     seconds, rate, epochs, steps * epochs)


class _TrainTimer(keras.callbacks.Callback):
    """Seconds spent in training batches only (validation excluded)."""

    def on_train_begin(self, logs=None):
        self.train_seconds = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        self._t = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.train_seconds += time.perf_counter() - self._t


# One compiled forward pass per (model, image shape), made on first use.  The
# function holds the model only weakly, so a model no longer used is freed.
_FORWARD = weakref.WeakKeyDictionary()


def _compiled_forward(model, image_shape):
    """``model(x, training=False)`` as one TensorFlow graph for any batch size.

    In a graph TensorFlow's optimiser (Grappler) fuses each convolution with
    the BatchNormalization and ReLU after it, which eager execution cannot; on
    this book's CPU that evaluates the zoo's ResNet about 1.7x faster.  The
    batch dimension is left open (None), so the last, shorter batch runs the
    same graph as the others: one trace per model.
    """
    per_shape = _FORWARD.setdefault(model, {})
    if image_shape not in per_shape:
        ref = weakref.ref(model)
        spec = tf.TensorSpec((None,) + image_shape, tf.float32)
        per_shape[image_shape] = tf.function(
            lambda batch: ref()(batch, training=False), input_signature=[spec])
    return per_shape[image_shape]


def predict_logits(model, x, batch_size=100):
    """Logits of a model for uint8 or float images, in batches (deterministic on CPU).

    Batches of 100 keep a small network's activations in the CPU's cache: on
    this book's machine the zoo's DenseNet evaluates its 10,000 test images
    with 14 CPU-s in batches of 100 against 20 in batches of 500 (ResNet 10
    against 12; the others alike), with the same losses to six decimals.
    """
    check_model("model", model)
    x = _check_images("x", x)
    ds = make_dataset(x, np.zeros(len(x), np.int32), batch_size=check_int("batch_size", batch_size, min=1))
    forward = _compiled_forward(model, x.shape[1:])
    return np.concatenate([forward(batch).numpy() for batch, _ in ds])


def evaluate(model, x, y, batch_size=100):
    """Return ``(loss, accuracy)`` of a logits model on (x, y)."""
    check_model("model", model)
    x = _check_images("x", x)
    y = _check_labels("y", y, len(x))
    logits = predict_logits(model, x, batch_size).astype(np.float64)
    if y.max() >= logits.shape[1]:
        raise ValueError(f"y 中的类别标签应小于模型的输出数 {logits.shape[1]}，收到最大值 {int(y.max())}")
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    loss = float(-logp[np.arange(len(y)), y].mean())
    accuracy = float((logits.argmax(axis=1) == y).mean())
    return loss, accuracy
