"""图：转置卷积 = 插 0、补 0、与翻转的卷积核做互相关（第 12 章）。写出 images/ch12_transposed.png。

例子与第 12 章相同：输入 X = [[0, 1], [2, 3]]，卷积核 K = [[0, 1], [2, 3]]，步幅 2，
padding="valid"。图中的每个数都由 NumPy 现算，并与“散射”写法的结果核对。
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from cnnbook.plot import use_cjk_font  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "images" / "ch12_transposed.png"


def scatter(x, k, s):
    """散射写法：每个输入元素乘以整个卷积核，加到输出窗口上。"""
    out = np.zeros(((x.shape[0] - 1) * s + k.shape[0], (x.shape[1] - 1) * s + k.shape[1]))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i * s:i * s + k.shape[0], j * s:j * s + k.shape[1]] += x[i, j] * k
    return out


def zero_insert_pad(x, k, s):
    """插 s-1 个 0，再四周补 k-1 个 0（valid 的转置卷积：对应的卷积不补 0）。"""
    z = np.zeros(((x.shape[0] - 1) * s + 1, (x.shape[1] - 1) * s + 1))
    z[::s, ::s] = x
    return np.pad(z, k.shape[0] - 1)


def corr2d(x, k):
    kh, kw = k.shape
    return np.array([[np.sum(x[i:i + kh, j:j + kw] * k) for j in range(x.shape[1] - kw + 1)]
                     for i in range(x.shape[0] - kh + 1)])


def draw(ax, m, x0, y0, title, mask=None, highlight=None, size=0.55):
    """把矩阵 m 画成带数字的方格；mask 为 True 的格子是插入/补上的 0（灰色）。"""
    rows, cols = m.shape
    for i in range(rows):
        for j in range(cols):
            face = "#dddddd" if mask is not None and mask[i, j] else "#cfe2f3"
            if highlight is not None and i < highlight[0] and j < highlight[1]:
                face = "#f4b183"
            ax.add_patch(Rectangle((x0 + j * size, y0 - (i + 1) * size), size, size,
                                   facecolor=face, edgecolor="black", lw=1))
            ax.text(x0 + (j + 0.5) * size, y0 - (i + 0.5) * size, f"{int(m[i, j])}",
                    ha="center", va="center", fontsize=12)
    ax.text(x0 + cols * size / 2, y0 + 0.25, title, ha="center", va="bottom", fontsize=12)


def main():
    use_cjk_font()
    X = np.array([[0, 1], [2, 3]], float)
    K = np.array([[0, 1], [2, 3]], float)
    s = 2
    padded = zero_insert_pad(X, K, s)
    mask = np.ones_like(padded, bool)
    lead = K.shape[0] - 1
    mask[lead:lead + (X.shape[0] - 1) * s + 1:s, lead:lead + (X.shape[1] - 1) * s + 1:s] = False
    flipped = K[::-1, ::-1]
    Y = corr2d(padded, flipped)
    assert np.array_equal(Y, scatter(X, K, s)), (Y, scatter(X, K, s))

    fig, ax = plt.subplots(figsize=(9, 3.6))
    draw(ax, X, 0.0, 2.6, "输入 X（2×2）")
    ax.annotate("", xy=(2.0, 1.5), xytext=(1.3, 1.5), arrowprops=dict(arrowstyle="->", lw=1.5))
    ax.text(1.65, 1.75, "插 0、补 0", ha="center", fontsize=10)
    draw(ax, padded, 2.2, 3.0, "插 1 个 0、四周补 1 个 0", mask=mask, highlight=(2, 2))
    ax.text(5.25, 1.55, "★", ha="center", va="center", fontsize=16)
    draw(ax, flipped, 5.6, 2.6, "翻转的卷积核")
    ax.text(6.95, 1.55, "=", ha="center", va="center", fontsize=18)
    draw(ax, Y, 7.3, 2.9, "输出（4×4）", highlight=(1, 1))
    ax.set_xlim(-0.2, 9.7)
    ax.set_ylim(0.0, 3.6)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.suptitle("转置卷积（步幅 2）：灰色是插入和补上的 0，★ 表示互相关", fontsize=13)
    fig.tight_layout()
    OUT.parent.mkdir(exist_ok=True)
    fig.savefig(OUT, dpi=120, bbox_inches="tight", metadata={"Software": None})
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
