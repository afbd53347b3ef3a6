"""Animation of the 2-D cross-correlation window sliding over the input (chapter 2).

Writes images/ch02_corr2d.gif: X = 0..8 (3x3), K = [[0, 1], [2, 3]] -> [[19, 25], [37, 43]].
``animate`` is reused by tools/figures/ch03_stride.py (padding and stride).

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
from cnnbook.env import quiet_tensorflow  # noqa: E402
from cnnbook.plot import use_cjk_font  # noqa: E402

quiet_tensorflow()
from cnnbook.conv import _padding_pairs, corr2d_strided  # noqa: E402


def _fmt(v):
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _grid(ax, values, x0, y0, label, shaded=None, color="#dfe9f5"):
    """Draw a matrix of numbers as unit cells whose top-left corner is (x0, y0)."""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            face = "#eeeeee" if shaded is not None and shaded[i, j] else color
            ax.add_patch(patches.Rectangle((x0 + j, y0 + i), 1, 1, facecolor=face, edgecolor="#555555", lw=1))
            text = "" if np.isnan(values[i, j]) else _fmt(values[i, j])
            ax.text(x0 + j + 0.5, y0 + i + 0.5, text, ha="center", va="center", fontsize=13,
                    color="#888888" if shaded is not None and shaded[i, j] else "black")
    ax.text(x0 + cols / 2, y0 - 0.35, label, ha="center", va="bottom", fontsize=12)


def animate(X, K, path, padding=0, stride=1, title="二维互相关", fps=1):
    """Save a GIF with one frame per output element: the window, the kernel and the growing output."""
    X, K = np.asarray(X, dtype=float), np.asarray(K, dtype=float)
    (top, bottom), (left, right) = _padding_pairs(padding)
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    Xp = np.pad(X, ((top, bottom), (left, right)))
    pad_mask = np.ones_like(Xp, dtype=bool)
    pad_mask[top:top + X.shape[0], left:left + X.shape[1]] = False
    Y = corr2d_strided(X, K, padding=padding, stride=stride).numpy()
    kh, kw = K.shape
    H, W = Xp.shape
    x_kernel = W + 1.5
    x_out = x_kernel + kw + 1.5
    y_kernel = (H - kh) / 2
    y_out = (H - Y.shape[0]) / 2
    positions = [(i, j) for i in range(Y.shape[0]) for j in range(Y.shape[1])]

    fig, ax = plt.subplots(figsize=(0.62 * (x_out + Y.shape[1] + 0.5), 0.62 * (H + 2.6)))

    def draw(frame):
        ax.clear()
        ax.set_xlim(-0.3, x_out + Y.shape[1] + 0.3)
        ax.set_ylim(H + 1.6, -1.2)
        ax.set_aspect("equal")
        ax.axis("off")
        i, j = positions[frame]
        shown = np.full(Y.shape, np.nan)
        for (a, b) in positions[:frame + 1]:
            shown[a, b] = Y[a, b]
        in_label = "输入（灰色为填充的 0）" if pad_mask.any() else "输入"
        _grid(ax, Xp, 0, 0, in_label, shaded=pad_mask)
        _grid(ax, K, x_kernel, y_kernel, "卷积核", color="#fde3c8")
        _grid(ax, shown, x_out, y_out, "输出", color="#e3f1de")
        r, c = i * sh, j * sw
        ax.add_patch(patches.Rectangle((c, r), kw, kh, fill=False, edgecolor="#d62728", lw=3))
        ax.add_patch(patches.Rectangle((x_out + j, y_out + i), 1, 1, fill=False, edgecolor="#d62728", lw=3))
        window = Xp[r:r + kh, c:c + kw]
        if K.size <= 4:
            terms = " + ".join(f"{_fmt(w)}×{_fmt(k)}" for w, k in zip(window.ravel(), K.ravel()))
            caption = f"{terms} = {_fmt(Y[i, j])}"
        else:
            caption = f"窗口左上角在第 {r} 行第 {c} 列（步幅 {sh}×{sw}），逐元素相乘再求和 = {_fmt(Y[i, j])}"
        ax.text((x_out + Y.shape[1]) / 2, H + 0.9, caption, ha="center", va="center", fontsize=11)
        ax.set_title(title, fontsize=13)

    anim = animation.FuncAnimation(fig, draw, frames=len(positions))
    anim.save(path, writer=animation.PillowWriter(fps=fps))
    plt.close(fig)
    return Y


def main():
    use_cjk_font()
    out = ROOT / "images" / "ch02_corr2d.gif"
    X = np.arange(9.0).reshape(3, 3)
    K = np.array([[0.0, 1.0], [2.0, 3.0]])
    Y = animate(X, K, out, title="二维互相关：卷积核在输入上滑动")
    assert np.array_equal(Y, [[19, 25], [37, 43]]), Y
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
