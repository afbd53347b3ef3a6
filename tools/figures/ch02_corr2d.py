"""Animation of the 2-D cross-correlation window sliding over the input (chapter 2).

Writes images/ch02_corr2d.gif: X = 0..8 (3x3), K = [[0, 1], [2, 3]] -> [[19, 25], [37, 43]].
``animate`` is reused by tools/figures/ch03_stride.py (padding and stride).

Figures are read on phones too: the fonts are large relative to the figure
width, and a wide (padded) input puts the kernel and the output *below* the
input instead of beside it, so the GIF stays narrow.

    .venv/bin/python tools/figures/ch02_corr2d.py
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import animation, patches  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from cnnbook.checks import check_int_pair  # noqa: E402
from cnnbook.env import quiet_tensorflow  # noqa: E402
from cnnbook.plot import use_cjk_font  # noqa: E402

quiet_tensorflow()
from cnnbook.conv import corr2d_strided, padding_pairs  # noqa: E402

CELL = 0.62          # inches per matrix cell
FONT_CELL = 17       # numbers inside the cells
FONT_LABEL = 16      # "输入", "卷积核", "输出"
FONT_CAPTION = 15    # the sum under the grids
FONT_TITLE = 17


def _fmt(v):
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _grid(ax, values, x0, y0, label, shaded=None, color="#dfe9f5"):
    """Draw a matrix of numbers as unit cells whose top-left corner is (x0, y0)."""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            pad = shaded is not None and shaded[i, j]
            face = "#eeeeee" if pad else color
            ax.add_patch(patches.Rectangle((x0 + j, y0 + i), 1, 1, facecolor=face,
                                           edgecolor="#555555", lw=1))
            text = "" if np.isnan(values[i, j]) else _fmt(values[i, j])
            ax.text(x0 + j + 0.5, y0 + i + 0.5, text, ha="center", va="center",
                    fontsize=FONT_CELL, color="#888888" if pad else "black")
    ax.text(x0 + cols / 2, y0 - 0.3, label, ha="center", va="bottom", fontsize=FONT_LABEL)


def _layout(H, W, kh, kw, oh, ow):
    """Positions of the three grids; side by side when narrow, else kernel and output below."""
    side = W + 1.5 + kw + 1.5 + ow
    if side <= 11:
        x_kernel, x_out = W + 1.5, W + 1.5 + kw + 1.5
        return dict(x_in=0, y_in=0, x_kernel=x_kernel, y_kernel=(H - kh) / 2,
                    x_out=x_out, y_out=(H - oh) / 2, width=side, height=H)
    below = kw + 1.5 + ow
    width = max(W, below)
    x0 = (width - below) / 2
    y_row = H + 1.6
    return dict(x_in=(width - W) / 2, y_in=0, x_kernel=x0, y_kernel=y_row,
                x_out=x0 + kw + 1.5, y_out=y_row, width=width,
                height=y_row + max(kh, oh))


def animate(X, K, path, padding=0, stride=1, title="二维互相关", fps=1):
    """Save a GIF with one frame per output element: the window, the kernel and the growing output."""
    X, K = np.asarray(X, dtype=float), np.asarray(K, dtype=float)
    (top, bottom), (left, right) = padding_pairs(padding)
    sh, sw = check_int_pair("stride", stride, min=1)
    Xp = np.pad(X, ((top, bottom), (left, right)))
    pad_mask = np.ones_like(Xp, dtype=bool)
    pad_mask[top:top + X.shape[0], left:left + X.shape[1]] = False
    Y = corr2d_strided(X, K, padding=padding, stride=stride).numpy()
    kh, kw = K.shape
    H, W = Xp.shape
    pos = _layout(H, W, kh, kw, *Y.shape)
    width, height = pos["width"], pos["height"]
    positions = [(i, j) for i in range(Y.shape[0]) for j in range(Y.shape[1])]
    long_caption = K.size > 4
    bottom_room = 2.6 if long_caption else 1.6

    fig = plt.figure(figsize=(CELL * (width + 0.6), CELL * (height + bottom_room + 1.9)))
    ax = fig.add_axes([0, 0, 1, 1])

    def draw(frame):
        ax.clear()
        ax.set_xlim(-0.3, width + 0.3)
        ax.set_ylim(height + bottom_room, -1.9)
        ax.axis("off")
        i, j = positions[frame]
        shown = np.full(Y.shape, np.nan)
        for (a, b) in positions[:frame + 1]:
            shown[a, b] = Y[a, b]
        in_label = "输入（灰色为填充的 0）" if pad_mask.any() else "输入"
        _grid(ax, Xp, pos["x_in"], pos["y_in"], in_label, shaded=pad_mask)
        _grid(ax, K, pos["x_kernel"], pos["y_kernel"], "卷积核", color="#fde3c8")
        _grid(ax, shown, pos["x_out"], pos["y_out"], "输出", color="#e3f1de")
        r, c = i * sh, j * sw
        ax.add_patch(patches.Rectangle((pos["x_in"] + c, pos["y_in"] + r), kw, kh,
                                       fill=False, edgecolor="#d62728", lw=3))
        ax.add_patch(patches.Rectangle((pos["x_out"] + j, pos["y_out"] + i), 1, 1,
                                       fill=False, edgecolor="#d62728", lw=3))
        window = Xp[r:r + kh, c:c + kw]
        if long_caption:
            caption = (f"窗口左上角：第 {r} 行第 {c} 列（步幅 {sh}×{sw}）\n"
                       f"逐元素相乘再求和 = {_fmt(Y[i, j])}")
        else:
            terms = " + ".join(f"{_fmt(w)}×{_fmt(k)}" for w, k in zip(window.ravel(), K.ravel()))
            caption = f"{terms} = {_fmt(Y[i, j])}"
        ax.text(width / 2, height + bottom_room / 2, caption, ha="center", va="center",
                fontsize=FONT_CAPTION, linespacing=1.5)
        ax.text(width / 2, -1.5, title, ha="center", va="center", fontsize=FONT_TITLE)

    anim = animation.FuncAnimation(fig, draw, frames=len(positions))
    anim.save(path, writer=animation.PillowWriter(fps=fps))
    plt.close(fig)
    return Y


def main():
    use_cjk_font()
    out = ROOT / "images" / "ch02_corr2d.gif"
    X = np.arange(9.0).reshape(3, 3)
    K = np.array([[0.0, 1.0], [2.0, 3.0]])
    Y = animate(X, K, out, title="卷积核在输入上滑动")
    assert np.array_equal(Y, [[19, 25], [37, 43]]), Y
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
