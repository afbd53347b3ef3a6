"""Diagram of a VGG block and of VGG-16 built from five of them (chapter 10).

Writes images/ch10_vgg_block.png.  Left: one block, n 3x3 convolutions with
same padding (each followed by ReLU) and a 2x2 max pool with stride 2 -- the
height and width halve, the channels are set by the block.  Right: VGG-16 at
224x224x3 as five such blocks (the numbers come from
``cnnbook.classic.VGG_ARCHS["vgg16"]``) and the dense head.

Two narrow columns, large type: legible when a phone shrinks the figure to
the width of its screen.

    .venv/bin/python tools/figures/ch10_vgg_block.py
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

OUT = ROOT / "images" / "ch10_vgg_block.png"
FONT = 14
EDGE = "#444444"
CONV, POOL, DENSE, DATA = "#cfe2f3", "#fde9c9", "#d9ead3", "#eeeeee"


def box(ax, cx, cy, w, h, text, color, fontsize=FONT):
    """A rounded box centred on (cx, cy)."""
    ax.add_patch(patches.FancyBboxPatch(
        (cx - w / 2, cy - h / 2), w, h,
        boxstyle="round,pad=0.02,rounding_size=0.1",
        facecolor=color, edgecolor=EDGE, lw=1.3))
    ax.text(cx, cy, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, x, y0, y1):
    ax.annotate("", xy=(x, y1), xytext=(x, y0),
                arrowprops=dict(arrowstyle="-|>", color=EDGE, lw=1.5,
                                mutation_scale=16, shrinkA=0, shrinkB=0))


def vgg16_rows():
    """(text, colour) of each row of the right column, from VGG_ARCHS."""
    from cnnbook.classic import VGG_ARCHS

    rows, side = [("输入 224×224×3", DATA)], 224
    for i, (num_convs, filters) in enumerate(VGG_ARCHS["vgg16"]):
        side //= 2
        rows.append((f"块 {i + 1}：{num_convs} 个卷积，{filters} 通道\n"
                     f"→ {side}×{side}×{filters}", CONV))
    rows.append(("展平 → 全连接 4096\n→ 4096 → 1000", DENSE))
    return rows


def main():
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(6.4, 7.6))
    ax.set_xlim(0, 6.4)
    ax.set_ylim(0, 7.6)
    ax.axis("off")

    # left column: one VGG block
    x, w = 1.55, 2.8
    ax.text(x, 7.3, "一个 VGG 块", ha="center", fontsize=FONT + 2,
            weight="bold")
    box(ax, x, 6.55, w, 0.6, "输入 H×W×C", DATA)
    arrow(ax, x, 6.25, 5.95)
    box(ax, x, 5.6, w, 0.7, "3×3 卷积，C′ 通道\nsame 填充，ReLU", CONV)
    arrow(ax, x, 5.25, 4.95)
    box(ax, x, 4.6, w, 0.7, "3×3 卷积，C′ 通道\nsame 填充，ReLU", CONV)
    ax.text(x, 3.97, "︙ 共 n 个卷积", ha="center", va="center",
            fontsize=FONT)
    arrow(ax, x, 3.7, 3.4)
    box(ax, x, 3.05, w, 0.7, "2×2 最大池化\n步幅 2", POOL)
    arrow(ax, x, 2.7, 2.4)
    box(ax, x, 2.05, w, 0.7, "输出\nH/2 × W/2 × C′", DATA)
    ax.text(x, 1.05, "高宽减半，\n通道由块决定", ha="center", va="center",
            fontsize=FONT - 1, color="#555555")

    # right column: VGG-16 = five blocks + the dense head
    x, w = 4.85, 2.9
    ax.text(x, 7.3, "VGG-16", ha="center", fontsize=FONT + 2, weight="bold")
    rows = vgg16_rows()
    top, step = 6.55, 0.98
    for k, (text, color) in enumerate(rows):
        y = top - k * step
        h = 0.6 if k == 0 else 0.78
        box(ax, x, y, w, h, text, color, fontsize=FONT - 1)
        if k:
            arrow(ax, x, y + step - (0.3 if k == 1 else 0.39), y + h / 2)
    fig.savefig(OUT, dpi=120, bbox_inches="tight")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
