"""Draw the book's favicon: a 3x3 convolution kernel sliding over an image.

    .venv/bin/python tools/favicon.py      # writes _static/favicon.ico (16, 32, 48 px)

`make favicon` runs it; _config.yml (html.favicon) puts the icon on every page.
Drawn with Pillow (a Matplotlib dependency) at 8x size, then scaled down.
"""
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_static" / "favicon.ico"
SIZES = (16, 32, 48)
BACKGROUND = (30, 64, 124, 255)   # dark blue: the "image"
GRID = (255, 255, 255, 70)        # the pixels of the image
KERNEL = (255, 183, 3, 255)       # the 3x3 kernel (amber), one cell lighter
CENTRE = (255, 236, 179, 255)


def draw(size=384):
    """The icon as a square RGBA image of `size` pixels."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, size - 1, size - 1], radius=size // 6, fill=BACKGROUND)
    n = 5
    cell = size // (n + 1)
    off = (size - n * cell) // 2
    gap = max(1, cell // 8)
    for r in range(n):
        for c in range(n):
            x, y = off + c * cell, off + r * cell
            d.rectangle([x + gap, y + gap, x + cell - gap, y + cell - gap], fill=GRID)
    for r in range(1, 4):
        for c in range(1, 4):
            x, y = off + c * cell, off + r * cell
            colour = CENTRE if (r, c) == (2, 2) else KERNEL
            d.rectangle([x + gap, y + gap, x + cell - gap, y + cell - gap], fill=colour)
    return img


def main():
    big = draw()
    OUT.parent.mkdir(exist_ok=True)
    big.save(OUT, format="ICO", sizes=[(s, s) for s in SIZES])
    print(f"{OUT.relative_to(ROOT)}: {', '.join(f'{s}x{s}' for s in SIZES)}")


if __name__ == "__main__":
    main()
