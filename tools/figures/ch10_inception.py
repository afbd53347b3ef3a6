"""Diagram of an Inception block: GoogLeNet's block 3a (chapter 10).

Writes images/ch10_inception.png: the 28x28x192 input feeds four parallel
paths -- a 1x1 convolution; a 1x1 reduction then a 3x3 convolution; a 1x1
reduction then a 5x5 convolution; a 3x3 max pool (stride 1) then a 1x1
projection -- whose outputs, all 28x28, are concatenated on the channel axis.
The channel numbers come from ``cnnbook.classic.GOOGLENET_STAGES`` (block 3a).

Four narrow columns with short labels and large type, so that the figure
stays legible on a phone.

    .venv/bin/python tools/figures/ch10_inception.py
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

OUT = ROOT / "images" / "ch10_inception.png"
FONT = 14
EDGE = "#444444"
COLOURS = {"1x1": "#d9ead3", "3x3": "#cfe2f3", "5x5": "#b4c7e7",
           "pool": "#fde9c9", "data": "#eeeeee"}


def box(ax, cx, cy, w, h, text, color, fontsize=FONT):
    """A rounded box centred on (cx, cy)."""
    ax.add_patch(patches.FancyBboxPatch(
        (cx - w / 2, cy - h / 2), w, h,
        boxstyle="round,pad=0.02,rounding_size=0.1",
        facecolor=color, edgecolor=EDGE, lw=1.3))
    ax.text(cx, cy, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, x0, y0, x1, y1):
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops=dict(arrowstyle="-|>", color=EDGE, lw=1.4,
                                mutation_scale=15, shrinkA=0, shrinkB=0))


def main():
    from cnnbook.classic import GOOGLENET_STAGES

    use_cjk_font()
    name, c1, (r3, c3), (r5, c5), c4 = GOOGLENET_STAGES[0][0]
    c_in = 192                      # the stem's output channels
    c_out = c1 + c3 + c5 + c4
    fig, ax = plt.subplots(figsize=(6.4, 6.0))
    ax.set_xlim(0, 6.4)
    ax.set_ylim(0, 6.0)
    ax.axis("off")

    ax.text(3.2, 5.75, f"Inception 块（GoogLeNet 的 {name}）", ha="center",
            fontsize=FONT + 2, weight="bold")
    box(ax, 3.2, 5.05, 3.6, 0.55, f"输入 28×28×{c_in}", COLOURS["data"])
    xs = [0.85, 2.43, 4.0, 5.57]
    w = 1.4
    # the second row: what each path does first
    first = [(f"1×1 卷积\n{c1}", "1x1"), (f"1×1 卷积\n{r3}", "1x1"),
             (f"1×1 卷积\n{r5}", "1x1"), ("3×3\n最大池化", "pool")]
    second = [None, (f"3×3 卷积\n{c3}", "3x3"), (f"5×5 卷积\n{c5}", "5x5"),
              (f"1×1 卷积\n{c4}", "1x1")]
    for x, (text, kind) in zip(xs, first):
        arrow(ax, 3.2 + (x - 3.2) * 0.45, 4.77, x, 4.2)
        box(ax, x, 3.8, w, 0.8, text, COLOURS[kind])
    for x, item in zip(xs, second):
        if item is None:
            arrow(ax, x, 3.4, x, 1.65)
            continue
        text, kind = item
        arrow(ax, x, 3.4, x, 3.0)
        box(ax, x, 2.6, w, 0.8, text, COLOURS[kind])
        arrow(ax, x, 2.2, x, 1.65)
    box(ax, 3.2, 1.3, 5.9, 0.7,
        f"在通道轴上拼接：{c1}+{c3}+{c5}+{c4}={c_out}", COLOURS["data"])
    arrow(ax, 3.2, 0.95, 3.2, 0.7)
    ax.text(3.2, 0.45, f"输出 28×28×{c_out}（高宽不变）", ha="center",
            va="center", fontsize=FONT)
    fig.savefig(OUT, dpi=120, bbox_inches="tight")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
