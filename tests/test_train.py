"""cnnbook.train: the Part II training helper.

- compile_model builds the optimizer's state before training, so that the
  training step is traced once; the oracle is Keras' own path (compile, then
  fit, with the optimizer built lazily while tracing): the weights after
  training must be bit-identical.
- fit's bookkeeping: steps, history keys, throughput.
- predict_logits runs the model as one compiled graph (any batch size, one
  trace per model and image shape); the oracle is the model called eagerly,
  and evaluate's loss and accuracy are checked against Keras' own metrics.
"""
import gc
import weakref

import numpy as np
import pytest

from cnnbook.env import quiet_tensorflow, set_seed

tf = quiet_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

from cnnbook.train import (compile_model, evaluate, fit, make_dataset,  # noqa: E402
                           make_optimizer, predict_logits, to_float)


def small_net():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(4, 3, activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10),
    ])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (96, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, 96).astype(np.int32)
    return x, y


def test_compile_model_builds_the_optimizer_state():
    model = compile_model(small_net(), "adam", lr=1e-3, total_steps=10)
    assert model.optimizer.built
    # Adam: a momentum and a velocity per trainable variable (plus counters)
    slots = [v for v in model.optimizer.variables
             if any(v.name.endswith(s) for s in ("momentum", "velocity"))]
    assert len(slots) == 2 * len(model.trainable_variables)


@pytest.mark.parametrize("optimizer", ["adam", "adamw"])
def test_fit_matches_keras_lazy_optimizer_build_bit_for_bit(data, optimizer):
    x, y = data
    epochs, batch = 2, 32
    decay = 1e-4 if optimizer == "adamw" else 0.0
    set_seed(0)
    ours = small_net()
    result = fit(ours, x, y, epochs=epochs, batch_size=batch, optimizer=optimizer,
                 lr=1e-2, weight_decay=decay, verbose=False)

    set_seed(0)
    ref = small_net()
    steps = epochs * int(np.ceil(len(x) / batch))
    ref.compile(optimizer=make_optimizer(optimizer, 1e-2, steps, "cosine", decay),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    assert not ref.optimizer.built
    ref.fit(make_dataset(x, y, batch, shuffle=True, seed=0), epochs=epochs, verbose=0,
            shuffle=False)

    assert result.steps == steps
    for a, b in zip(ours.get_weights(), ref.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_fit_reports_steps_history_and_throughput(data):
    x, y = data
    set_seed(0)
    result = fit(small_net(), x, y, epochs=3, batch_size=40, verbose=False)
    assert result.steps == 3 * 3 and result.epochs == 3
    assert set(result.history) >= {"loss", "accuracy"}
    assert all(len(v) == 3 for v in result.history.values())
    assert result.examples_per_second > 0 and result.seconds > 0


def trained_net(data):
    x, y = data
    set_seed(0)
    model = small_net()
    fit(model, x, y, epochs=1, batch_size=32, verbose=False)
    return model


def test_predict_logits_matches_the_eager_model_for_any_batch_size(data):
    x, _ = data
    model = trained_net(data)
    # BN in inference mode: its moving statistics, not the batch's
    eager = model(to_float(x), training=False).numpy()
    for batch_size in (96, 40, 7, 1):
        np.testing.assert_allclose(predict_logits(model, x, batch_size),
                                   eager, rtol=1e-5, atol=1e-5)
    # uint8 and float input in [0, 1] give the same logits
    np.testing.assert_array_equal(predict_logits(model, x),
                                  predict_logits(model, to_float(x)))


def test_predict_logits_traces_once_per_model_and_image_shape(data):
    from cnnbook import train
    x, _ = data
    model = trained_net(data)
    for batch_size in (96, 40, 7):
        predict_logits(model, x, batch_size)
    forward = train._FORWARD[model][(28, 28, 1)]
    assert forward.experimental_get_tracing_count() == 1
    # the cache holds the model weakly: a model no longer used is freed
    ref = weakref.ref(model)
    del model, forward
    gc.collect()
    assert ref() is None


def test_evaluate_matches_keras_metrics(data):
    x, y = data
    model = trained_net(data)
    loss, accuracy = evaluate(model, x, y, batch_size=40)
    logits = model(to_float(x), training=False)
    ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    acc = keras.metrics.SparseCategoricalAccuracy()
    acc.update_state(y, logits)
    assert loss == pytest.approx(float(ce(y, logits)), rel=1e-5)
    assert accuracy == pytest.approx(float(acc.result()))
