"""Chinese labels render with a real CJK font: no missing-glyph warnings, real glyph shapes."""
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from cnnbook import plot  # noqa: E402


def render(text):
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=20)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    return pixels


def test_cjk_font_is_found_and_used():
    assert plot.use_cjk_font() == "Noto Sans CJK SC"
    path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert "NotoSansCJK" in path


def test_chinese_text_renders_without_missing_glyph_warnings():
    plot.use_cjk_font()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render("卷积核（kernel）步幅 池化 −1")


def test_different_characters_give_different_glyphs():
    """Tofu boxes all look alike; real glyphs differ."""
    plot.use_cjk_font()
    assert not np.array_equal(render("卷"), render("池"))


def test_show_images_checks_titles():
    with pytest.raises(ValueError, match="titles 应有 2 个"):
        plot.show_images([np.zeros((2, 2))] * 2, titles=["a"])


# --- show_images -----------------------------------------------------------------------

@pytest.mark.parametrize("n,ncols,rows,cols", [(1, 4, 1, 1), (4, 4, 1, 4), (10, 4, 3, 4),
                                                 (10, 3, 4, 3), (16, 8, 2, 8), (5, 1, 5, 1)])
def test_show_images_grid_has_the_requested_columns(n, ncols, rows, cols):
    plot.use_cjk_font()
    fig = plot.show_images(np.zeros((n, 5, 5)), ncols=ncols)
    axes = fig.get_axes()
    assert len(axes) == rows * cols
    assert fig.get_size_inches()[0] == pytest.approx(1.6 * cols)
    assert sum(1 for ax in axes if ax.images) == n  # the others stay empty
    plt.close(fig)


def test_show_images_titles_fontsize_and_channels():
    plot.use_cjk_font()
    images = [np.zeros((5, 5)), np.zeros((5, 5, 1)), np.zeros((5, 5, 3)),
              np.zeros((5, 5, 4), dtype=np.uint8), np.eye(5, dtype=bool)]
    fig = plot.show_images(images, titles=list("abcde"), fontsize=14, suptitle="标题")
    titled = [ax for ax in fig.get_axes() if ax.get_title()]
    assert [ax.get_title() for ax in titled] == list("abcde")
    assert {ax.title.get_fontsize() for ax in titled} == {14}
    assert fig._suptitle.get_text() == "标题"
    # (H, W, 1) is shown as a 2-D image, (H, W, 3) as RGB
    assert [ax.images[0].get_array().shape for ax in titled][:3] == [(5, 5), (5, 5), (5, 5, 3)]
    plt.close(fig)


def test_show_images_accepts_tensors():
    from cnnbook.env import quiet_tensorflow

    tf = quiet_tensorflow()
    fig = plot.show_images(tf.zeros((3, 4, 4, 1)))
    assert len(fig.get_axes()) == 3
    plt.close(fig)


# --- layer_summary / draw_model, with Keras as the oracle ------------------------------

@pytest.fixture(scope="module")
def keras_models():
    from cnnbook.env import quiet_tensorflow

    tf = quiet_tensorflow()
    import keras

    from cnnbook.models import lenet

    extra = keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu", name="c"),
        keras.layers.BatchNormalization(name="bn"),
        keras.layers.AveragePooling2D((2, 1), name="p"),
        keras.layers.GlobalAveragePooling2D(name="gap"),
        keras.layers.Dense(5, name="out"),
    ], name="extra")
    return tf, [lenet("classic"), lenet("modern"), extra]


def test_layer_summary_matches_keras_shapes_and_parameter_counts(keras_models):
    tf, models = keras_models
    for model in models:
        rows = plot.layer_summary(model)
        assert rows[0]["kind"] == "input" and rows[0]["shape"] == tuple(model.input_shape[1:])
        assert [r["name"] for r in rows[1:]] == [layer.name for layer in model.layers]
        x = tf.zeros((1,) + tuple(model.input_shape[1:]))
        for row, layer in zip(rows[1:], model.layers):
            x = layer(x)
            assert row["shape"] == tuple(x.shape[1:]), layer.name
            assert row["params"] == layer.count_params(), layer.name
        assert sum(r["params"] for r in rows) == model.count_params()


def test_layer_summary_describes_lenet():
    from cnnbook.models import lenet

    rows = {r["name"]: r for r in plot.layer_summary(lenet("classic"))}
    assert rows["conv1"]["text"] == "6 个 5×5 卷积核，same 填充，sigmoid"
    assert rows["pool2"]["text"] == "平均池化 2×2，步幅 2"
    assert rows["logits"]["text"] == "全连接，10 个输出"
    modern = {r["name"]: r for r in plot.layer_summary(lenet("modern"))}
    assert modern["pool1"]["text"].startswith("最大池化")
    assert modern["dense1"]["text"].endswith("relu")


def test_draw_model_draws_one_box_per_layer_with_its_shape_and_parameters(keras_models):
    plot.use_cjk_font()
    _, models = keras_models
    model = models[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no missing-glyph warnings
        fig = plot.draw_model(model, title="LeNet")
        fig.canvas.draw()
    texts = [t.get_text() for t in fig.get_axes()[0].texts]
    assert texts[-1] == "LeNet"
    for layer in model.layers:
        head = [t for t in texts if t.startswith(f"{layer.name}：")]
        assert len(head) == 1, layer.name
    assert "输出 28×28×6 · 156 个参数" in texts
    assert "输出 5×5×16 · 无参数" in texts
    assert "输出 10 · 850 个参数" in texts
    # one column: the figure is taller than wide, and no wider than asked
    width, height = fig.get_size_inches()
    assert width == pytest.approx(6.4) and height > width
    plt.close(fig)
