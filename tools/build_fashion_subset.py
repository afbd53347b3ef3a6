"""Rebuild ``data/fashion_mnist_subset.npz`` from Debian's ``dataset-fashion-mnist``.

Debian packages the full Fashion-MNIST (Zalando SE, MIT/Expat licence) as the
four original IDX files under ``/usr/share/datasets/fashion-mnist/``.  This
script reads them either from the installed package or straight out of the
``.deb`` (no installation, no root), keeps a fixed stratified subset of the
training set (2,000 images per class, 20,000 in all, seeded) and the whole
official test set (10,000 images, in their original order), and writes uint8
arrays ``(N, 28, 28)`` / ``(N,)`` as a compressed ``.npz``.

Usage (needs only Debian's package archive)::

    apt-get download dataset-fashion-mnist       # dataset-fashion-mnist_*.deb
    python tools/build_fashion_subset.py dataset-fashion-mnist_*.deb
    # or, with the package installed (apt-get install dataset-fashion-mnist):
    python tools/build_fashion_subset.py /usr/share/datasets/fashion-mnist

The build is deterministic: it prints the sha256 of the new file, which must
equal ``FASHION_SUBSET_SHA256`` in ``cnnbook/datasets.py``.
"""
import argparse
import gzip
import hashlib
import io
import sys
import tarfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cnnbook.datasets import FASHION_IDX_SHA256, parse_idx  # noqa: E402

PER_CLASS = 2000
SEED = 20261125
DEB_PREFIX = "./usr/share/datasets/fashion-mnist/"


def _ar_members(raw):
    """Yield (name, bytes) of the members of a Debian ``ar`` archive."""
    if not raw.startswith(b"!<arch>\n"):
        raise SystemExit("not a Debian package (.deb is an ar archive)")
    pos = 8
    while pos + 60 <= len(raw):
        header = raw[pos:pos + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        yield name, raw[pos + 60:pos + 60 + size]
        pos += 60 + size + (size % 2)


def read_gz_files(source: Path):
    """Map file name -> gzip bytes of the four IDX files, from a .deb or a directory."""
    names = sorted(FASHION_IDX_SHA256)
    if source.is_dir():
        files = {n: (source / n).read_bytes() for n in names}
    else:
        data_tar = next((blob for name, blob in _ar_members(source.read_bytes())
                         if name.startswith("data.tar")), None)
        if data_tar is None:
            raise SystemExit(f"{source}: no data.tar.* member")
        with tarfile.open(fileobj=io.BytesIO(data_tar), mode="r:*") as tar:
            files = {n: tar.extractfile(DEB_PREFIX + n).read() for n in names}
    for name, blob in files.items():
        digest = hashlib.sha256(blob).hexdigest()
        if digest != FASHION_IDX_SHA256[name]:
            raise SystemExit(f"{name}: sha256 {digest} is not the recorded {FASHION_IDX_SHA256[name]}")
    return files


def subset(x_train, y_train):
    """PER_CLASS images of every class, chosen and shuffled with a fixed seed."""
    rng = np.random.default_rng(SEED)
    keep = np.concatenate([rng.permutation(np.flatnonzero(y_train == c))[:PER_CLASS] for c in range(10)])
    keep = rng.permutation(keep)
    return x_train[keep], y_train[keep]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="the .deb, or the installed /usr/share/datasets/fashion-mnist")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "fashion_mnist_subset.npz")
    args = parser.parse_args()
    files = read_gz_files(args.source)
    arrays = {n: parse_idx(gzip.decompress(blob), n) for n, blob in files.items()}
    x_train, y_train = subset(arrays["train-images-idx3-ubyte.gz"], arrays["train-labels-idx1-ubyte.gz"])
    x_test, y_test = arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]
    buf = io.BytesIO()
    np.savez_compressed(buf, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    args.out.write_bytes(buf.getvalue())
    print(f"wrote {args.out} ({len(buf.getvalue()) / 1e6:.2f} MB)")
    print(f"train {x_train.shape} {np.bincount(y_train).tolist()}  test {x_test.shape}")
    print(f"sha256 {hashlib.sha256(buf.getvalue()).hexdigest()}")


if __name__ == "__main__":
    main()
