"""Bad-input cases for cnnbook.train (see tests/test_bad_input.py)."""
import numpy as np

from cnnbook.env import quiet_tensorflow

quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.train import (CompactProgress, FitResult, compile_model, evaluate, fit,  # noqa: E402
                           make_dataset, make_optimizer, predict_logits, to_float)

X = np.zeros((4, 28, 28), np.uint8)
Y = np.zeros(4, np.int64)


def tiny():
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(10)])


CASES = {
    "to_float": [(lambda: to_float("images"), TypeError, "x"),
                 (lambda: to_float(np.zeros(5)), ValueError, "x")],
    "make_dataset": [(lambda: make_dataset(X, Y, batch_size=0), ValueError, "batch_size"),
                     (lambda: make_dataset(X, Y[:3]), ValueError, "y"),
                     (lambda: make_dataset(X, Y.astype(float)), TypeError, "y"),
                     (lambda: make_dataset(X, Y, augment="yes"), TypeError, "augment"),
                     (lambda: make_dataset(X, Y, shift=-1), ValueError, "shift"),
                     (lambda: make_dataset(X, Y, seed=1.5), TypeError, "seed")],
    "make_optimizer": [(lambda: make_optimizer("rmsprop"), ValueError, "optimizer"),
                       (lambda: make_optimizer(lr=0), ValueError, "lr"),
                       (lambda: make_optimizer(lr="1e-3"), TypeError, "lr"),
                       (lambda: make_optimizer(schedule="cosine", total_steps=None), TypeError,
                        "total_steps"),
                       (lambda: make_optimizer(schedule="step"), ValueError, "schedule"),
                       (lambda: make_optimizer("adamw", weight_decay=-1), ValueError, "weight_decay")],
    "compile_model": [(lambda: compile_model("model"), TypeError, "model"),
                      (lambda: compile_model(tiny(), total_steps=10, label_smoothing=1.0), ValueError,
                       "label_smoothing")],
    "fit": [(lambda: fit(tiny(), X, Y, epochs=0), ValueError, "epochs"),
            (lambda: fit(tiny(), X, Y, epochs=1.0), TypeError, "epochs"),
            (lambda: fit(None, X, Y, epochs=1), TypeError, "model"),
            (lambda: fit(tiny(), X[:0], Y[:0], epochs=1), ValueError, "x"),
            (lambda: fit(tiny(), X, Y, epochs=1, batch_size=-2), ValueError, "batch_size"),
            (lambda: fit(tiny(), X, Y, epochs=1, validation_data=X), TypeError, "validation_data"),
            (lambda: fit(tiny(), X, Y, epochs=1, verbose="no"), TypeError, "verbose")],
    "predict_logits": [(lambda: predict_logits(tiny(), "x"), TypeError, "x"),
                       (lambda: predict_logits(tiny(), X[:0]), ValueError, "x"),
                       (lambda: predict_logits(tiny(), X, batch_size=0), ValueError, "batch_size")],
    "evaluate": [(lambda: evaluate(tiny(), X, Y[:2]), ValueError, "y"),
                 (lambda: evaluate(tiny(), X, np.full(4, 10)), ValueError, "y"),
                 (lambda: evaluate("m", X, Y), TypeError, "model")],
    "CompactProgress": [(lambda: CompactProgress(0), ValueError, "epochs"),
                        (lambda: CompactProgress(3, every=0), ValueError, "every"),
                        (lambda: CompactProgress(3, prefix=1), TypeError, "prefix")],
    "FitResult": [(lambda: FitResult("h", 1.0, 1.0, 1), TypeError, "history")],
}
