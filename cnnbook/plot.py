"""Matplotlib helpers for the book: a real CJK font, image grids, model diagrams.

- :func:`use_cjk_font` registers Noto Sans CJK SC (from the PyPI package
  mplfonts) so that Chinese labels are real glyphs, not tofu boxes.
- :func:`show_images` draws a grid of images; few columns and large titles
  keep it legible on a phone.
- :func:`draw_model` draws a Keras model as a vertical stack of layers with
  their output shapes and parameter counts (one column: fits a phone).

Every function checks its arguments with :mod:`cnnbook.checks`.
"""
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib import font_manager

from cnnbook.checks import (check_array, check_float, check_int, check_model,
                            check_str, describe)

__all__ = ["cjk_font_path", "use_cjk_font", "show_images", "draw_model",
           "layer_summary"]

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FONT_NAME = "Noto Sans CJK SC"


def cjk_font_path():
    """Path of the Noto Sans CJK SC font file shipped by mplfonts."""
    import mplfonts

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"找不到中文字体 {path}：请在虚拟环境中 `pip install -r requirements.txt`（需要 mplfonts）。"
        )
    return path


def use_cjk_font():
    """Register Noto Sans CJK SC with matplotlib and make it the default font.

    DejaVu Sans stays as a per-glyph fallback (for the minus sign and Greek
    letters), so neither Chinese labels nor maths symbols become tofu boxes.
    """
    path = cjk_font_path()
    if CJK_FONT_NAME not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [CJK_FONT_NAME, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = True
    matplotlib.rcParams["figure.dpi"] = 100
    matplotlib.rcParams["savefig.dpi"] = 100
    # Stable element ids if a figure is saved as SVG (reviewable diffs).
    matplotlib.rcParams["svg.hashsalt"] = "cnnbook"
    return CJK_FONT_NAME


def _check_optional_str(name, value):
    if value is None:
        return None
    return check_str(name, value)


def _check_cmap(name, value):
    """A registered colormap name or a matplotlib Colormap object."""
    from matplotlib.colors import Colormap

    if isinstance(value, Colormap):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} 应为颜色映射的名字（如 \"gray\"）或 Colormap，"
                        f"收到 {describe(value)}")
    if value not in matplotlib.colormaps:
        raise ValueError(f"{name} 不是已注册的颜色映射：{value!r}"
                         "（可用的名字见 matplotlib.colormaps）")
    return value


def _check_images(images):
    """A non-empty sequence of 2-D images (H, W) or (H, W, C), C in 1, 3, 4."""
    if isinstance(images, (str, bytes)) or images is None:
        raise TypeError(f"images 应为图像数组或图像列表，收到 {describe(images)}")
    if isinstance(images, np.ndarray) or hasattr(images, "numpy"):
        stack = check_array("images", images, ndim=(3, 4), min_size=0)
        items = list(stack)
    elif isinstance(images, (list, tuple)):
        items = list(images)
    else:
        raise TypeError(f"images 应为图像数组或图像列表，收到 {describe(images)}")
    if not items:
        raise ValueError("images 不能为空：至少要有一张图像")
    checked = []
    for i, img in enumerate(items):
        arr = check_array(f"images[{i}]", img, ndim=(2, 3))
        if arr.ndim == 3 and arr.shape[-1] not in (1, 3, 4):
            raise ValueError(f"images[{i}] 的最后一维应为 1、3 或 4 个通道，"
                             f"收到形状 {arr.shape}")
        if arr.ndim == 3 and arr.shape[-1] == 1:
            arr = arr[..., 0]
        if arr.dtype == np.bool_:
            arr = arr.astype(np.uint8)
        checked.append(arr)
    return checked


def show_images(images, titles=None, ncols=4, scale=1.6, cmap="gray",
                suptitle=None, fontsize=11):
    """Show 2-D images (H, W) or (H, W, C) in a grid with ``ncols`` columns.

    ``scale`` is the size of one image in inches and ``fontsize`` the size of
    the titles: the defaults (4 columns, 1.6 in, 11 pt) stay legible when the
    figure is shrunk to a phone's width.  Returns the figure.
    """
    import matplotlib.pyplot as plt

    items = _check_images(images)
    if titles is not None:
        if isinstance(titles, (str, bytes)) or not isinstance(
                titles, (list, tuple, np.ndarray)):
            raise TypeError(f"titles 应为与图像一一对应的列表，收到 {describe(titles)}")
        titles = list(titles)
        if len(titles) != len(items):
            raise ValueError(f"titles 应有 {len(items)} 个，收到 {len(titles)} 个")
    ncols = check_int("ncols", ncols, min=1)
    scale = check_float("scale", scale, min=0, min_open=True, max=10)
    cmap = _check_cmap("cmap", cmap)
    suptitle = _check_optional_str("suptitle", suptitle)
    fontsize = check_float("fontsize", fontsize, min=1, max=72)

    ncols = min(ncols, len(items))
    nrows = (len(items) + ncols - 1) // ncols
    extra = 0.35 if titles is not None else 0.0
    top = fontsize / 40 if suptitle else 0.0
    fig, axes = plt.subplots(
        nrows, ncols, squeeze=False,
        figsize=(scale * ncols, (scale + extra) * nrows + top))
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < len(items):
            ax.imshow(items[i], cmap=cmap)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=fontsize)
    if suptitle:
        fig.suptitle(suptitle, fontsize=fontsize + 2)
    fig.tight_layout()
    return fig


# --- model diagrams -------------------------------------------------------

_KIND_COLOURS = {
    "input": "#e8e8e8", "conv": "#cfe2f3", "pool": "#fde9c9",
    "dense": "#d9ead3", "other": "#eeeeee",
}


def _shape_text(shape):
    dims = [str(d) for d in shape[1:]]
    return "×".join(dims) if dims else "标量"


def _pair_text(value, single=False):
    """(5, 5) -> "5×5"; with ``single``, (2, 2) -> "2" (a stride)."""
    a, b = value
    return str(a) if single and a == b else f"{a}×{b}"


def _activation_text(layer):
    act = getattr(layer, "activation", None)
    name = getattr(act, "__name__", None)
    return "" if name in (None, "linear") else f"，{name}"


def _describe_layer(layer):
    """(kind, Chinese description) of one Keras layer."""
    from keras import layers

    if isinstance(layer, layers.Conv2D):
        text = f"{layer.filters} 个 {_pair_text(layer.kernel_size)} 卷积核"
        if tuple(layer.strides) != (1, 1):
            text += f"，步幅 {_pair_text(layer.strides, single=True)}"
        if layer.padding == "same":
            text += "，same 填充"
        return "conv", text + _activation_text(layer)
    pools = {layers.MaxPooling2D: "最大池化", layers.AveragePooling2D: "平均池化"}
    for cls, word in pools.items():
        if isinstance(layer, cls):
            text = f"{word} {_pair_text(layer.pool_size)}"
            strides = _pair_text(layer.strides, single=True)
            return "pool", text + f"，步幅 {strides}"
    if isinstance(layer, layers.Dense):
        return "dense", f"全连接，{layer.units} 个输出" + _activation_text(layer)
    if isinstance(layer, layers.Flatten):
        return "other", "展平"
    return "other", type(layer).__name__


def layer_summary(model):
    """One dict per layer of a built Keras model, the input first.

    Keys: ``name``, ``kind`` ("input", "conv", "pool", "dense", "other"),
    ``text`` (a short Chinese description), ``shape`` (the output shape
    without the batch axis) and ``params``.  :func:`draw_model` draws it.
    """
    model = check_model("model", model)
    shape = tuple(model.input_shape)
    rows = [dict(name="input", kind="input", text="输入", shape=shape[1:],
                 params=0)]
    for layer in model.layers:
        kind, text = _describe_layer(layer)
        shape = tuple(layer.compute_output_shape(shape))
        rows.append(dict(name=layer.name, kind=kind, text=text,
                         shape=shape[1:], params=int(layer.count_params())))
    return rows


def _glyph(ax, x, y, shape, biggest, height):
    """A small picture of a tensor: stacked squares for (H, W, C), a bar for (n,)."""
    from matplotlib.patches import Rectangle

    if len(shape) == 3:
        side = height * 0.8 * shape[0] / biggest
        side = max(side, height * 0.12)
        sheets = min(int(shape[2]), 4)
        step = height * 0.06
        for k in range(sheets):
            ax.add_patch(Rectangle(
                (x + k * step - side / 2, y - side / 2 - k * step), side, side,
                facecolor="#9fc5e8", edgecolor="#3d6f99", lw=0.8,
                zorder=2 + k))
        return
    if len(shape) == 1:
        length = height * 0.8 * min(1.0, (shape[0] / 784) ** 0.5)
        length = max(length, height * 0.12)
        ax.add_patch(Rectangle((x - height * 0.05, y - length / 2),
                               height * 0.1, length, facecolor="#b6d7a8",
                               edgecolor="#38761d", lw=0.8, zorder=2))


def draw_model(model, title=None, fontsize=14, width=6.4):
    """Draw a built Keras model as a vertical stack of layers; return the figure.

    Each row shows a small picture of the layer's output (stacked squares for a
    feature map, a bar for a vector), the layer's name and what it does, and
    its output shape and parameter count.  One column, ``width`` inches wide,
    ``fontsize`` points: legible on a phone.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    rows = layer_summary(model)
    title = _check_optional_str("title", title)
    fontsize = check_float("fontsize", fontsize, min=6, max=40)
    width = check_float("width", width, min=3, max=20)

    row_h = fontsize / 72 * 3.6          # inches per row: two text lines + gap
    height = row_h * len(rows) + (0.5 if title else 0.1)
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    biggest = max((r["shape"][0] for r in rows if len(r["shape"]) == 3),
                  default=1)
    glyph_x, box_x = row_h * 0.55, row_h * 1.25
    box_w, box_h = width - box_x - 0.1, row_h * 0.72
    top = height - (0.5 if title else 0.1)
    for i, row in enumerate(rows):
        y = top - row_h * (i + 0.5)
        _glyph(ax, glyph_x, y, row["shape"], biggest, row_h)
        ax.add_patch(FancyBboxPatch(
            (box_x, y - box_h / 2), box_w, box_h,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=_KIND_COLOURS[row["kind"]], edgecolor="#555555", lw=1))
        head = row["text"] if row["kind"] == "input" else (
            f"{row['name']}：{row['text']}")
        params = f"{row['params']:,} 个参数" if row["params"] else "无参数"
        foot = f"输出 {_shape_text((None,) + row['shape'])}"
        if row["kind"] != "input":
            foot += f" · {params}"
        ax.text(box_x + 0.12, y + box_h * 0.2, head, fontsize=fontsize,
                va="center", ha="left")
        ax.text(box_x + 0.12, y - box_h * 0.24, foot,
                fontsize=fontsize * 0.85, va="center", ha="left",
                color="#333333")
        if i + 1 < len(rows):
            ax.add_patch(FancyArrowPatch(
                (box_x + box_w / 2, y - box_h / 2),
                (box_x + box_w / 2, y - row_h + box_h / 2),
                arrowstyle="-|>", mutation_scale=fontsize, color="#555555",
                lw=1.2))
    if title:
        ax.text(width / 2, height - 0.28, title, fontsize=fontsize + 2,
                ha="center", va="center")
    return fig
