"""图：残差块与稠密块（第 11 章）。写出 images/ch11_residual_block.png 与
images/ch11_dense_block.png。

残差块画两种：形状不变时捷径是恒等映射；步幅为 2 或通道数改变时，捷径上
是 1x1 卷积 + BN。稠密块画 3 层、增长率 k：每层的输入是前面所有输出在
通道维上的拼接，通道数 c0, c0+k, c0+2k, c0+3k 由代码算出，条的宽度与
通道数成正比；最后一个过渡层把通道减半、高宽减半。

两张图都是竖排、字号较大，手机缩到屏幕宽度时也能看清。

    .venv/bin/python tools/figures/ch11_blocks.py
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

OUT_RES = ROOT / "images" / "ch11_residual_block.png"
OUT_DENSE = ROOT / "images" / "ch11_dense_block.png"
FONT = 15
EDGE = "#444444"
CONV, BN, ACT, ADD = "#dfe9f5", "#fff2cc", "#dff0d8", "#fde0dc"


def box(ax, cx, cy, w, h, text, color, fontsize=FONT, dashed=False):
    """以 (cx, cy) 为中心的圆角框。"""
    ax.add_patch(patches.FancyBboxPatch(
        (cx - w / 2, cy - h / 2), w, h,
        boxstyle="round,pad=0.02,rounding_size=0.1", facecolor=color,
        edgecolor=EDGE, lw=1.4, linestyle="--" if dashed else "-"))
    ax.text(cx, cy, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, points, style="-|>"):
    """沿折线 points 画箭头（最后一段带箭头）。"""
    for (x0, y0), (x1, y1) in zip(points[:-2], points[1:-1]):
        ax.plot([x0, x1], [y0, y1], color=EDGE, lw=1.6)
    (x0, y0), (x1, y1) = points[-2], points[-1]
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops=dict(arrowstyle=style, color=EDGE, lw=1.6,
                                mutation_scale=18, shrinkA=0, shrinkB=0))


def residual_column(ax, x, title, projection):
    """一列：主分支两个 3x3 卷积，右侧捷径，相加后 ReLU。"""
    w, h, gap = 2.0, 0.55, 0.9
    ax.text(x, 10.0, title, ha="center", va="center", fontsize=FONT + 1)
    y_in = 9.3
    box(ax, x, y_in, 1.3, 0.5, "输入 x", "#eeeeee")
    first = "3×3 卷积\n步幅 2" if projection else "3×3 卷积"
    labels = [(first, CONV), ("BN", BN), ("ReLU", ACT), ("3×3 卷积", CONV),
              ("BN", BN)]
    prev = y_in - 0.25
    y = y_in - gap
    for text, color in labels:
        hh = 0.75 if "步幅" in text else h
        arrow(ax, [(x, prev), (x, y + hh / 2)])
        box(ax, x, y, w, hh, text, color)
        prev = y - hh / 2
        y -= gap
    y_add = y + 0.1
    ax.add_patch(patches.Circle((x, y_add), 0.28, facecolor=ADD,
                                edgecolor=EDGE, lw=1.4))
    ax.text(x, y_add, "+", ha="center", va="center", fontsize=FONT + 6)
    arrow(ax, [(x, prev), (x, y_add + 0.28)])
    side = x + 1.55
    if projection:
        y_mid = (y_in + y_add) / 2
        box(ax, side, y_mid, 1.05, 1.5, "1×1\n卷积\n步幅 2\n+ BN", CONV,
            fontsize=FONT - 2, dashed=True)
        arrow(ax, [(x + 0.65, y_in), (side, y_in), (side, y_mid + 0.75)],
              style="-")
        arrow(ax, [(side, y_mid - 0.75), (side, y_add), (x + 0.28, y_add)])
    else:
        arrow(ax, [(x + 0.65, y_in), (side, y_in), (side, y_add),
                   (x + 0.28, y_add)])
        ax.text(side + 0.12, (y_in + y_add) / 2, "恒等\n映射", ha="left",
                va="center", fontsize=FONT - 2)
    y_relu = y_add - gap
    box(ax, x, y_relu, w, h, "ReLU", ACT)
    arrow(ax, [(x, y_add - 0.28), (x, y_relu + h / 2)])
    arrow(ax, [(x, y_relu - h / 2), (x, y_relu - 0.85)])
    ax.text(x, y_relu - 0.95, "输出", ha="center", va="top", fontsize=FONT)
    return y_relu - 1.5


def draw_residual():
    fig, ax = plt.subplots(figsize=(6.6, 7.2))
    ax.axis("off")
    residual_column(ax, 1.35, "形状不变", projection=False)
    bottom = residual_column(ax, 4.85, "高宽减半、通道加倍", projection=True)
    ax.text(3.5, bottom - 0.1, "主分支算 F(x)；输出 = ReLU(F(x) + 捷径(x))",
            ha="center", va="center", fontsize=FONT - 2, color="#333333")
    ax.set_xlim(-0.1, 7.1)
    ax.set_ylim(bottom - 0.4, 10.3)
    fig.savefig(OUT_RES, bbox_inches="tight", dpi=120,
                metadata={"Software": None})
    plt.close(fig)
    print(f"写出 {OUT_RES.relative_to(ROOT)}")


def bar(ax, x0, y, widths, colors, h=0.5):
    """一条按通道数分段的条：每段宽度与该段的通道数成正比。"""
    x = x0
    for w, c in zip(widths, colors):
        ax.add_patch(patches.Rectangle((x, y - h / 2), w, h, facecolor=c,
                                       edgecolor=EDGE, lw=1.2))
        x += w
    return x


def draw_dense():
    c0, k, n_layers = 16, 8, 3
    scale = 0.1                                  # 每个通道的宽度
    colors = ["#bdd7ee", "#f8cbad", "#c5e0b4", "#ffe699"]
    fig, ax = plt.subplots(figsize=(6.6, 7.0))
    ax.axis("off")
    x0, row, bx = 0.2, 2.0, 5.6
    widths = [c0 * scale]
    y = 8.0
    for i in range(n_layers + 1):
        end = bar(ax, x0, y, widths, colors)
        channels = c0 + i * k
        label = "输入" if i == 0 else "拼接"
        ax.text(end + 0.12, y, f"{label}：{channels} 通道", ha="left",
                va="center", fontsize=FONT - 1)
        if i == n_layers:
            break
        y_next = y - row
        y_box = y - row / 2
        box(ax, bx, y_box, 2.5, 0.8, f"第 {i + 1} 层\nBN-ReLU-3×3 卷积",
            "#eeeeee", fontsize=FONT - 3)
        # 整条（全部已有通道）送进这一层
        arrow(ax, [(end - 0.3, y - 0.25), (end - 0.3, y_box),
                   (bx - 1.25, y_box)])
        # 这一层新算出的 k 个通道接在下一条的末尾
        seg = end + k * scale / 2
        arrow(ax, [(bx, y_box - 0.4), (bx, y_next + 0.55), (seg, y_next + 0.55),
                   (seg, y_next + 0.25)])
        # 已有的通道原样保留
        arrow(ax, [(x0 + 0.3, y - 0.25), (x0 + 0.3, y_next + 0.25)])
        ax.text(x0 + 0.42, y_box, "原样\n保留", ha="left", va="center",
                fontsize=FONT - 3)
        widths = widths + [k * scale]
        y = y_next
    total = c0 + n_layers * k
    y_t = y - 1.15
    box(ax, 3.4, y_t, 6.2, 0.9,
        f"过渡层：1×1 卷积（{total} → {total // 2} 通道）\n"
        "+ 2×2 平均池化（高宽减半）", "#e8dff5", fontsize=FONT - 2)
    arrow(ax, [(x0 + 0.3, y - 0.25), (x0 + 0.3, y_t + 0.45)])
    ax.text(3.4, y_t - 0.85, f"增长率 k = {k}：每层只新增 k 个通道",
            ha="center", va="center", fontsize=FONT - 2, color="#333333")
    ax.set_xlim(-0.1, 7.0)
    ax.set_ylim(y_t - 1.2, 8.5)
    fig.savefig(OUT_DENSE, bbox_inches="tight", dpi=120,
                metadata={"Software": None})
    plt.close(fig)
    print(f"写出 {OUT_DENSE.relative_to(ROOT)}")


def main():
    use_cjk_font()
    OUT_RES.parent.mkdir(exist_ok=True)
    draw_residual()
    draw_dense()


if __name__ == "__main__":
    main()
