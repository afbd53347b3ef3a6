"""Diagram of one synchronous data-parallel training step (chapter 8).

Writes images/ch08_data_parallel.png: a global batch of B examples is split into
R = 2 per-replica batches of B/R; each replica runs forward and backward on its
own copy of the model; an all-reduce sums the gradients; every replica applies
the same update, so the copies stay identical.

The flow runs top to bottom in two columns with large type, so that the figure
stays legible when a phone shrinks it to the width of its screen.

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
FONT = 15
EDGE = "#444444"


def box(ax, cx, cy, w, h, text, color, fontsize=FONT):
    """A rounded box centred on (cx, cy)."""
    ax.add_patch(patches.FancyBboxPatch(
        (cx - w / 2, cy - h / 2), w, h,
        boxstyle="round,pad=0.02,rounding_size=0.12",
        facecolor=color, edgecolor=EDGE, lw=1.4))
    ax.text(cx, cy, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, x0, y0, x1, y1):
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops=dict(arrowstyle="-|>", color=EDGE, lw=1.6,
                                mutation_scale=18, shrinkA=0, shrinkB=0))


def main():
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(6.0, 8.4))
    ax.set_xlim(0, 6)
    ax.set_ylim(0, 8.4)
    ax.axis("off")

    h = 0.8
    # rows, top to bottom
    y_batch, y_split, y_model, y_grad, y_reduce, y_update = (
        7.8, 6.45, 5.15, 3.85, 2.55, 1.05)
    box(ax, 3.0, y_batch, 3.6, h, "全局批量：B 个样本", "#f2e6c9")
    columns = [(1.5, "0"), (4.5, "1")]
    for x, r in columns:
        box(ax, x, y_split + 0.1, 2.6, 1.0, "", "#f2e6c9")
        ax.text(x, y_split + 0.2, f"副本 {r}：B/R 个样本", ha="center",
                va="center", fontsize=FONT)
        ax.text(x, y_split - 0.27, f"GPU:{r} 或 CPU:{r}", ha="center",
                va="center", fontsize=FONT - 4, color="#555555")
        box(ax, x, y_model, 2.6, h, "模型副本\n前向 + 反向", "#dfe9f5")
        box(ax, x, y_grad, 2.6, h, f"本地梯度 $g_{r}$", "#fde0dc")
        box(ax, x, y_update, 2.6, 1.0, "同一更新\n$w \\leftarrow w-\\eta g$",
            "#dff0d8")
        arrow(ax, 3.0 + (x - 3.0) * 0.3, y_batch - h / 2, x, y_split + 0.5)
        arrow(ax, x, y_split - 0.5, x, y_model + h / 2)
        arrow(ax, x, y_model - h / 2, x, y_grad + h / 2)
        arrow(ax, x, y_grad - h / 2, 3.0 + (x - 3.0) * 0.45, y_reduce + h / 2)
        arrow(ax, 3.0 + (x - 3.0) * 0.45, y_reduce - h / 2, x, y_update + 0.5)
    box(ax, 3.0, y_reduce, 4.4, h, "all-reduce：$g=\\sum_r g_r$", "#e8dff5")
    ax.text(3.0, 0.12, "所有副本做相同的更新，参数始终一致", ha="center",
            fontsize=FONT - 2, color="#333333")
    OUT.parent.mkdir(exist_ok=True)
    fig.savefig(OUT, bbox_inches="tight", dpi=120)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
