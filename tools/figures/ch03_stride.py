"""Animation of a convolution window with padding 1 and stride 2 (chapter 3).

Writes images/ch03_stride.gif: a 5x5 input padded with one ring of zeros, a 3x3 kernel
moving two cells at a time, giving a 3x3 output.  Uses ``animate`` from ch02_corr2d.py.

    .venv/bin/python tools/figures/ch03_stride.py
"""
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from ch02_corr2d import ROOT, animate  # noqa: E402

from cnnbook.conv import conv_output_size  # noqa: E402
from cnnbook.plot import use_cjk_font  # noqa: E402


def main():
    use_cjk_font()
    out = ROOT / "images" / "ch03_stride.gif"
    X = np.arange(25.0).reshape(5, 5) % 4
    K = np.array([[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [1.0, 0.0, -1.0]])
    Y = animate(X, K, out, padding=1, stride=2, title="填充 1、步幅 2：窗口每次跳两格")
    assert Y.shape == (conv_output_size(5, 3, 2, 2),) * 2 == (3, 3), Y.shape
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
