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
