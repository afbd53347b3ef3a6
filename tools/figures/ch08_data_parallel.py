"""Diagram of one synchronous data-parallel training step (chapter 8).

Writes images/ch08_data_parallel.png: a global batch of B examples is split into
R = 2 per-replica batches of B/R; each replica runs forward and backward on its
own copy of the model; an all-reduce sums the gradients; every replica applies
the same update, so the copies stay identical.

    .venv/bin/python tools/figures/ch08_data_parallel.py
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import patches  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from cnnbook.plot import use_cjk_font  # noqa: E402

OUT = ROOT / "images" / "ch08_data_parallel.png"


def box(ax, x, y, w, h, text, color, fontsize=11):
    ax.add_patch(patches.FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                        facecolor=color, edgecolor="#444444", lw=1.2))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, x0, y0, x1, y1):
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops=dict(arrowstyle="-|>", color="#444444", lw=1.3, shrinkA=0, shrinkB=0))


def main():
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(10, 4.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4.6)
    ax.axis("off")

    box(ax, 0.1, 1.8, 1.6, 1.0, "全局批量\nB 个样本", "#f2e6c9")
    lanes = [(3.15, "副本 0（/device:GPU:0\n或 /device:CPU:0）"), (0.45, "副本 1（/device:GPU:1\n或 /device:CPU:1）")]
    for y, name in lanes:
        ax.text(2.0, y + 1.05, name, fontsize=9, color="#555555", va="bottom")
        box(ax, 2.0, y, 1.5, 0.9, "B/R 个样本", "#f2e6c9")
        box(ax, 3.9, y, 1.7, 0.9, "模型副本\n前向 + 反向", "#dfe9f5")
        box(ax, 6.0, y, 1.2, 0.9, "本地梯度\n$g_r$", "#fde0dc")
        box(ax, 8.6, y, 1.3, 0.9, "同一更新\n$w \\leftarrow w-\\eta g$", "#dff0d8", fontsize=10)
        arrow(ax, 1.7, 2.3, 2.0, y + 0.45)
        arrow(ax, 3.5, y + 0.45, 3.9, y + 0.45)
        arrow(ax, 5.6, y + 0.45, 6.0, y + 0.45)
        arrow(ax, 7.2, y + 0.45, 7.45, 2.3 + (0.25 if y > 2 else -0.25))
        arrow(ax, 8.15, 2.3 + (0.25 if y > 2 else -0.25), 8.6, y + 0.45)
    box(ax, 7.45, 1.75, 0.7, 1.1, "all-\nreduce\n$\\sum_r g_r$", "#e8dff5", fontsize=9)
    ax.text(5.0, 0.05, "切分 → 各副本独立计算 → 汇总梯度（求和） → 所有副本做相同的更新，参数始终一致",
            ha="center", fontsize=10, color="#333333")
    OUT.parent.mkdir(exist_ok=True)
    fig.savefig(OUT, bbox_inches="tight", dpi=100)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
