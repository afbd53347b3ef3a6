"""Matplotlib set-up for the book: a real CJK font (from the PyPI package mplfonts)."""
from pathlib import Path

import matplotlib
from matplotlib import font_manager

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


def show_images(images, titles=None, ncols=8, scale=1.2, cmap="gray", suptitle=None):
    """Show a grid of 2-D images (H, W) or (H, W, C); return the figure."""
    import matplotlib.pyplot as plt
    import numpy as np

    images = list(images)
    if not images:
        raise ValueError("images 不能为空")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles 应有 {len(images)} 个，收到 {len(titles)} 个")
    ncols = min(ncols, len(images))
    nrows = (len(images) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows + (0.3 if suptitle else 0)))
    axes = np.atleast_1d(axes).ravel()
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i < len(images):
            img = np.asarray(images[i])
            ax.imshow(img.squeeze() if img.ndim == 3 and img.shape[-1] == 1 else img, cmap=cmap)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
