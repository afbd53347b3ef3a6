"""Bad-input cases for cnnbook.plot (see tests/test_bad_input.py)."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from cnnbook.env import quiet_tensorflow  # noqa: E402

quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.plot import draw_model, layer_summary, show_images  # noqa: E402

IMGS = [np.zeros((4, 4))] * 2


def unbuilt():
    """A Sequential model without an Input: its shapes are unknown."""
    return keras.Sequential([keras.layers.Dense(2)])


def tiny():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])


CASES = {
    "show_images": [
        (lambda: show_images(IMGS, ncols=0), ValueError, "ncols"),
        (lambda: show_images(IMGS, ncols=-3), ValueError, "ncols"),
        (lambda: show_images(IMGS, ncols=2.0), TypeError, "ncols"),
        (lambda: show_images(IMGS, ncols=True), TypeError, "ncols"),
        (lambda: show_images(IMGS, ncols="4"), TypeError, "ncols"),
        (lambda: show_images([]), ValueError, "images"),
        (lambda: show_images(np.zeros((0, 4, 4))), ValueError, "images"),
        (lambda: show_images("images"), TypeError, "images"),
        (lambda: show_images(None), TypeError, "images"),
        (lambda: show_images(5), TypeError, "images"),
        (lambda: show_images([np.zeros(4)]), ValueError, "images"),
        (lambda: show_images(np.zeros((2, 4))), ValueError, "images"),
        (lambda: show_images([np.zeros((4, 4, 2))]), ValueError, "images"),
        (lambda: show_images([np.zeros((4, 4), complex)]), TypeError, "images"),
        (lambda: show_images([np.array([["a", "b"]])]), TypeError, "images"),
        (lambda: show_images([np.zeros((0, 4))]), ValueError, "images"),
        (lambda: show_images(IMGS, titles=["a"]), ValueError, "titles"),
        (lambda: show_images(IMGS, titles="ab"), TypeError, "titles"),
        (lambda: show_images(IMGS, titles=3), TypeError, "titles"),
        (lambda: show_images(IMGS, scale=0), ValueError, "scale"),
        (lambda: show_images(IMGS, scale=-1.0), ValueError, "scale"),
        (lambda: show_images(IMGS, scale=float("nan")), ValueError, "scale"),
        (lambda: show_images(IMGS, scale="big"), TypeError, "scale"),
        (lambda: show_images(IMGS, cmap="no-such-map"), ValueError, "cmap"),
        (lambda: show_images(IMGS, cmap=3), TypeError, "cmap"),
        (lambda: show_images(IMGS, suptitle=3), TypeError, "suptitle"),
        (lambda: show_images(IMGS, fontsize=0), ValueError, "fontsize"),
        (lambda: show_images(IMGS, fontsize="12"), TypeError, "fontsize"),
    ],
    "draw_model": [
        (lambda: draw_model("lenet"), TypeError, "model"),
        (lambda: draw_model(None), TypeError, "model"),
        (lambda: draw_model(unbuilt()), ValueError, "model"),
        (lambda: draw_model(tiny(), title=5), TypeError, "title"),
        (lambda: draw_model(tiny(), fontsize=-1), ValueError, "fontsize"),
        (lambda: draw_model(tiny(), fontsize=True), TypeError, "fontsize"),
        (lambda: draw_model(tiny(), width="6"), TypeError, "width"),
        (lambda: draw_model(tiny(), width=0.5), ValueError, "width"),
    ],
    "layer_summary": [
        (lambda: layer_summary([1, 2]), TypeError, "model"),
        (lambda: layer_summary(unbuilt()), ValueError, "model"),
    ],
}
NO_ARGUMENTS = ["cjk_font_path", "use_cjk_font"]
