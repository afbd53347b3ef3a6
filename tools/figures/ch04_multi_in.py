"""图：多输入通道的互相关（第 4 章）。写出 images/ch04_multi_in.png。

用第 4 章的例子（种子 003）：X = 0..26、K = 0..11，按通道在后（HWC）排好，
逐通道做二维互相关（图中记作 ★），再把三个通道的结果相加。图中的数字都由 NumPy 现算。
字号相对图宽取得较大，在手机上也能看清。
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from cnnbook.plot import use_cjk_font  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "images" / "ch04_multi_in.png"


def corr2d_np(x, k):
    """二维互相关（NumPy 版，只为作图）。"""
    kh, kw = k.shape
    return np.array([[np.sum(x[i:i + kh, j:j + kw] * k) for j in range(x.shape[1] - kw + 1)]
                     for i in range(x.shape[0] - kh + 1)])


def draw_grid(ax, m, x0, y0, face, highlight=None, size=0.5):
    """把矩阵 m 画成带数字的方格，左上角在 (x0, y0)；highlight=(行数, 列数) 给左上角加阴影。"""
    rows, cols = m.shape
    for i in range(rows):
        for j in range(cols):
            shaded = highlight is not None and i < highlight[0] and j < highlight[1]
            ax.add_patch(Rectangle((x0 + j * size, y0 - (i + 1) * size), size, size,
                                   facecolor="#f4b183" if shaded else face, edgecolor="black", lw=1))
            ax.text(x0 + (j + 0.5) * size, y0 - (i + 0.5) * size, f"{int(m[i, j])}",
                    ha="center", va="center", fontsize=13)


def main():
    use_cjk_font()
    x_hwc = np.transpose(np.arange(27).reshape(3, 3, 3), (1, 2, 0))
    k_hwc = np.transpose(np.arange(12).reshape(3, 2, 2), (1, 2, 0))
    per_channel = [corr2d_np(x_hwc[:, :, c], k_hwc[:, :, c]) for c in range(3)]
    total = sum(per_channel)

    fig, ax = plt.subplots(figsize=(7.2, 6.0))
    names = ["通道 0", "通道 1", "通道 2"]
    for c in range(3):
        y0 = 4.6 - c * 1.7
        ax.text(-0.15, y0 - 0.75, names[c], ha="right", va="center", fontsize=14)
        draw_grid(ax, x_hwc[:, :, c], 0.0, y0, "#dbe9f6", highlight=(2, 2))
        ax.text(1.85, y0 - 0.75, r"$\star$", ha="center", va="center", fontsize=32)
        draw_grid(ax, k_hwc[:, :, c], 2.2, y0 - 0.25, "#e2f0d9")
        ax.text(3.5, y0 - 0.75, "=", ha="center", va="center", fontsize=18)
        draw_grid(ax, per_channel[c], 3.85, y0 - 0.25, "#fff2cc", highlight=(1, 1))
    ax.text(5.4, 3.05, "逐元素\n相加", ha="center", va="bottom", fontsize=14)
    ax.annotate("", xy=(5.85, 2.9), xytext=(4.95, 2.9), arrowprops=dict(arrowstyle="->", lw=1.5))
    draw_grid(ax, total, 6.0, 3.4, "#fce4d6", highlight=(1, 1), size=0.7)
    ax.text(0.75, 4.75, "输入\nX[:, :, c]", ha="center", va="bottom", fontsize=14)
    ax.text(2.7, 4.75, "卷积核\nK[:, :, c]", ha="center", va="bottom", fontsize=14)
    ax.text(4.35, 4.75, "逐通道\n互相关", ha="center", va="bottom", fontsize=14)
    ax.text(6.7, 3.55, "输出 Y", ha="center", va="bottom", fontsize=14)
    first = " + ".join(str(int(p[0, 0])) for p in per_channel)
    ax.text(3.2, -0.6, f"左上角：{first} = {int(total[0, 0])}（阴影部分）",
            ha="center", va="center", fontsize=14)
    ax.text(3.2, -1.2, "★ 表示二维互相关：窗口与卷积核逐元素相乘再求和",
            ha="center", va="center", fontsize=14)
    ax.set_xlim(-1.2, 7.5)
    ax.set_ylim(-1.5, 5.7)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    OUT.parent.mkdir(exist_ok=True)
    fig.savefig(OUT, dpi=110, metadata={"Software": None})
    print(f"写出 {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
