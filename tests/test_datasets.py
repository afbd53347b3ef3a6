"""Bundled datasets: offline, hash- and CRC-checked, content-checked, with messages that fit.

What is checked here (issue 11, section 2, and issue 13, section 1):

- MNIST and the Fashion-MNIST subset load offline with the recorded shapes,
  class balance and sha256, from the folder that ``data_dir()`` resolves
  (``$CNNBOOK_DATA``, the copy installed with the package, the repo's ``data/``).
- A damaged bundled file is reported with advice that fits where the folder
  came from (the repo: ``git checkout``; an installed package: reinstall;
  ``$CNNBOOK_DATA``: copy the file there or unset it).
- A reader's own file (``path=``) never gets repo advice; a directory is
  reported as a directory.  ``verify=False`` skips only the sha256: shapes,
  dtypes, label range and every zip entry's CRC are always checked.  The
  byte flipped at offset 160 (inside the deflate stream of ``x_train``) that
  ``np.load`` silently turns into 2.2 M wrong pixels is caught.
- Fashion-MNIST: the Debian loader, the class names, a clear error when the
  Debian files are absent or damaged, and the rebuild script reproduces the
  bundled file byte for byte (same sha256) from the installed Debian files
  and from the ``.deb`` itself.  The Debian tests are skipped, saying why,
  on a machine without ``dataset-fashion-mnist``.
"""
import hashlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cnnbook import datasets
from cnnbook.datasets import DatasetError

ROOT = Path(__file__).resolve().parents[1]
DEBIAN = datasets.FASHION_DEBIAN_DIR
HAVE_DEBIAN = all((DEBIAN / name).is_file() for name in datasets.FASHION_IDX_SHA256)
needs_debian = pytest.mark.skipif(
    not HAVE_DEBIAN,
    reason=f"{DEBIAN} is missing: apt-get install dataset-fashion-mnist to run this test")
DEBS = sorted(Path("/var/cache/apt/archives").glob("dataset-fashion-mnist_*.deb"))
# Zalando's class list, in label order (github.com/zalandoresearch/fashion-mnist, README "Labels").
ZALANDO_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
# Advice meant for a clone of the repository; never shown for a reader's own file.
REPO_ADVICE = re.compile(r"git checkout|build_mnist_subset|npm pack|build_fashion_subset")


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch):
    """Tests start from the default resolution order, whatever the caller's environment says."""
    monkeypatch.delenv(datasets.DATA_ENV, raising=False)


@pytest.fixture(scope="module")
def mnist():
    return datasets.load_mnist()


@pytest.fixture(scope="module")
def fashion():
    return datasets.load_fashion_mnist()


@pytest.fixture(scope="module")
def fashion_debian():
    if not HAVE_DEBIAN:
        pytest.skip(f"{DEBIAN} is missing: apt-get install dataset-fashion-mnist")
    return datasets.load_fashion_mnist("debian")


def bundled(name=datasets.MNIST_FILE):
    return ROOT / "data" / name


def flipped(src, dst, offset=160):
    """A copy of ``src`` with the byte at ``offset`` inverted."""
    raw = bytearray(Path(src).read_bytes())
    raw[offset] ^= 0xFF
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    Path(dst).write_bytes(bytes(raw))
    return Path(dst)


def own_arrays(n_train=12, n_test=4, seed=0):
    """A reader's own small dataset in the bundled layout: uint8 (N, 28, 28), labels 0-9."""
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def write_npz(path, **arrays):
    np.savez_compressed(path, **arrays)
    return Path(path)


# ----------------------------------------------------------------------------- MNIST


def test_bundled_mnist_loads_offline_with_expected_shapes(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert y_train.shape == (8000,) and y_test.shape == (2000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))
    # real handwriting: dark background, bright strokes, full byte range
    assert x_train.min() == 0 and x_train.max() == 255
    assert 0.05 < (x_train > 127).mean() < 0.3


def test_mnist_split_is_stratified_and_disjoint(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    train_counts = np.bincount(y_train, minlength=10)
    test_counts = np.bincount(y_test, minlength=10)
    np.testing.assert_allclose(test_counts / (train_counts + test_counts), 0.2, atol=0.01)
    train_rows = {row.tobytes() for row in x_train.reshape(len(x_train), -1)}
    overlap = sum(row.tobytes() in train_rows for row in x_test.reshape(len(x_test), -1))
    assert overlap <= 5  # MNIST itself holds a handful of duplicate digits


@pytest.mark.parametrize("name,sha", [(datasets.MNIST_FILE, datasets.MNIST_SUBSET_SHA256),
                                      (datasets.FASHION_FILE, datasets.FASHION_SUBSET_SHA256)])
def test_recorded_hashes_match_the_bundled_files(name, sha):
    assert datasets.data_dir() == ROOT / "data"
    assert datasets.sha256_of(datasets.data_dir() / name) == sha


def test_copy_with_same_bytes_loads_from_a_custom_path(tmp_path):
    copy = tmp_path / "copy.npz"
    copy.write_bytes(bundled().read_bytes())
    (x_train, _), (x_test, _) = datasets.load_mnist(path=copy)
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)


# ------------------------------------------------------------- where the data comes from


def test_data_env_wins_and_a_bad_value_is_named(tmp_path, monkeypatch):
    for name in (datasets.MNIST_FILE, datasets.FASHION_FILE):
        (tmp_path / name).symlink_to(bundled(name))
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path))
    assert datasets.data_dir() == tmp_path
    (x_train, _), _ = datasets.load_mnist()
    assert x_train.shape == (8000, 28, 28)
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path / "absent"))
    with pytest.raises(DatasetError, match=f"{datasets.DATA_ENV}=.*absent.*不存在"):
        datasets.data_dir()


def test_installed_copy_comes_before_the_repo(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "cnnbook"
    (package / "data").mkdir(parents=True)
    (package / "data" / datasets.MNIST_FILE).symlink_to(bundled())
    (tmp_path / "site-packages" / "data").mkdir()
    (tmp_path / "site-packages" / "data" / datasets.MNIST_FILE).write_bytes(b"not this one")
    monkeypatch.setattr(datasets, "PACKAGE_DIR", package)
    assert datasets.data_dir() == package / "data"


def test_no_data_folder_at_all_says_what_was_searched(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "PACKAGE_DIR", tmp_path / "cnnbook")
    with pytest.raises(DatasetError, match=f"{datasets.DATA_ENV}.*pip install"):
        datasets.load_mnist()


@pytest.mark.parametrize("origin,advice", [
    ("repo", r"git checkout -- data/mnist_subset\.npz"),
    ("installed", r"pip install --force-reinstall --no-deps \."),
    ("env", datasets.DATA_ENV + r" 指定.*复制到"),
])
def test_damaged_bundled_file_gets_advice_that_fits_its_origin(origin, advice, tmp_path, monkeypatch):
    if origin == "repo":
        monkeypatch.setattr(datasets, "PACKAGE_DIR", tmp_path / "clone" / "cnnbook")
        folder = tmp_path / "clone" / "data"
    elif origin == "installed":
        monkeypatch.setattr(datasets, "PACKAGE_DIR", tmp_path / "site" / "cnnbook")
        folder = tmp_path / "site" / "cnnbook" / "data"
    else:
        folder = tmp_path / "mine"
        monkeypatch.setenv(datasets.DATA_ENV, str(folder))
    flipped(bundled(), folder / datasets.MNIST_FILE)
    assert datasets.data_dir() == folder
    with pytest.raises(DatasetError, match="已损坏或被修改.*sha256") as info:
        datasets.load_mnist()
    assert re.search(advice, str(info.value)), str(info.value)
    if origin != "repo":
        assert "git checkout" not in str(info.value)
    # verify=False skips the sha256, not the CRC: the damage is still reported
    with pytest.raises(DatasetError, match="已损坏.*CRC") as info:
        datasets.load_mnist(verify=False)
    assert re.search(advice, str(info.value)), str(info.value)


def test_missing_bundled_file_in_the_env_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path))
    with pytest.raises(DatasetError, match=f"找不到内置的 Fashion-MNIST 子集文件.*{datasets.DATA_ENV}"):
        datasets.load_fashion_mnist()


# ------------------------------------------------------------ a reader's own file (path=)


def test_own_file_with_verify_gets_own_file_advice(tmp_path):
    own = write_npz(tmp_path / "own.npz", **own_arrays())
    with pytest.raises(DatasetError, match="不是本书随附的 MNIST 子集文件.*verify=False") as info:
        datasets.load_mnist(path=own)
    assert not REPO_ADVICE.search(str(info.value))
    with pytest.raises(DatasetError, match="不是本书随附的 Fashion-MNIST 子集文件"):
        datasets.load_fashion_mnist(path=bundled())


def test_own_file_loads_with_verify_false(tmp_path):
    arrays = own_arrays(n_train=7, n_test=3)
    own = write_npz(tmp_path / "own.npz", **arrays)
    for load in (datasets.load_mnist, datasets.load_fashion_mnist):
        (x_train, y_train), (x_test, y_test) = load(path=own, verify=False)
        np.testing.assert_array_equal(x_train, arrays["x_train"])
        np.testing.assert_array_equal(y_test, arrays["y_test"])
        assert x_test.shape == (3, 28, 28) and y_train.shape == (7,)


def test_a_directory_is_reported_as_a_directory(tmp_path):
    with pytest.raises(ValueError, match=r"path 应为文件.*是一个目录"):
        datasets.load_mnist(path=tmp_path)
    with pytest.raises(ValueError, match=r"path 应为文件.*是一个目录"):
        datasets.load_fashion_mnist(path=str(tmp_path))


def test_a_missing_file_is_reported_as_missing(tmp_path):
    with pytest.raises(ValueError, match="path 指向的文件不存在"):
        datasets.load_mnist(path=tmp_path / "nope.npz")


def test_truncated_own_file(tmp_path):
    broken = tmp_path / "mnist_subset.npz"
    broken.write_bytes(bundled().read_bytes()[:100_000])
    with pytest.raises(DatasetError, match="不是本书随附的") as info:
        datasets.load_mnist(path=broken)
    assert not REPO_ADVICE.search(str(info.value))
    with pytest.raises(DatasetError, match="无法读取.*已损坏、不完整或不是 .npz") as info:
        datasets.load_mnist(path=broken, verify=False)
    assert not REPO_ADVICE.search(str(info.value))


def test_flipped_byte_at_offset_160_is_caught_even_with_verify_false(tmp_path):
    damaged = flipped(bundled(), tmp_path / "flipped.npz")
    (x_train, _), _ = datasets.load_mnist()
    # what the issue measured: NumPy alone reads damaged pixels without a word
    with np.load(damaged) as npz:
        silently_wrong = int((npz["x_train"] != x_train).sum())
    assert silently_wrong > 2_000_000
    with pytest.raises(DatasetError, match="sha256"):
        datasets.load_mnist(path=damaged)
    with pytest.raises(DatasetError, match=r"Bad CRC-32 for file 'x_train\.npy'") as info:
        datasets.load_mnist(path=damaged, verify=False)
    assert not REPO_ADVICE.search(str(info.value))


def _labels_out_of_range(a):
    a["y_train"] = (200 + np.arange(len(a["y_train"])) % 10).astype(np.uint8)


def _float_images(a):
    a["x_test"] = a["x_test"].astype(np.float32) / 255


def _int64_labels(a):
    a["y_train"] = a["y_train"].astype(np.int64)


def _wrong_image_size(a):
    a["x_train"] = a["x_train"][:, :, :27]


def _labels_do_not_match_images(a):
    a["y_test"] = a["y_test"][:-1]


def _flat_images(a):
    a["x_train"] = a["x_train"].reshape(len(a["x_train"]), -1)


def _empty_split(a):
    a["x_test"], a["y_test"] = a["x_test"][:0], a["y_test"][:0]


def _missing_array(a):
    del a["y_test"]


def _object_array(a):
    a["y_train"] = np.array([object()] * len(a["y_train"]), dtype=object)


@pytest.mark.parametrize("spoil,message", [
    (_labels_out_of_range, r"y_train 含有 0–9 以外的标签（最大 209）"),
    (_float_images, r"x_test/y_test .*float32/uint8.*应为 \(N, 28, 28\)/\(N,\)、uint8"),
    (_int64_labels, r"x_train/y_train .*uint8/int64"),
    (_wrong_image_size, r"x_train/y_train 的形状为 \(12, 28, 27\)"),
    (_labels_do_not_match_images, r"x_test/y_test 的形状为 \(4, 28, 28\)/\(3,\)"),
    (_flat_images, r"x_train/y_train 的形状为 \(12, 784\)"),
    (_empty_split, r"x_test/y_test 的形状为 \(0, 28, 28\)/\(0,\)"),
    (_missing_array, r"缺少数组 \['y_test'\]"),
    (_object_array, r"无法读取.*Object arrays cannot be loaded"),
], ids=lambda v: v.__name__.strip("_") if callable(v) else "")
def test_verify_false_still_checks_shapes_dtypes_and_labels(spoil, message, tmp_path):
    arrays = own_arrays()
    spoil(arrays)
    own = write_npz(tmp_path / "own.npz", **arrays)
    for load in (datasets.load_mnist, datasets.load_fashion_mnist):
        with pytest.raises(DatasetError, match=message) as info:
            load(path=own, verify=False)
        assert str(own) in str(info.value)
        assert not REPO_ADVICE.search(str(info.value))


# ------------------------------------------------------------------------ Fashion-MNIST


def test_bundled_fashion_subset(fashion):
    (x_train, y_train), (x_test, y_test) = fashion
    assert x_train.shape == (20000, 28, 28) and y_train.shape == (20000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert np.bincount(y_train).tolist() == [2000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert x_train.min() == 0 and x_train.max() == 255
    # the training subset is shuffled, not sorted by class
    assert len(set(y_train[:100].tolist())) == 10


def test_class_names():
    assert datasets.FASHION_CLASSES == ZALANDO_CLASSES
    zh = datasets.FASHION_CLASSES_ZH
    assert len(zh) == 10 and len(set(zh)) == 10
    assert all(isinstance(n, str) and n.strip() == n and n for n in zh)


def test_debian_loader_reads_the_full_set(fashion_debian):
    (x_train, y_train), (x_test, y_test) = fashion_debian
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


def test_bundled_subset_is_taken_from_the_debian_files(fashion, fashion_debian):
    (x_sub, y_sub), (x_sub_test, y_sub_test) = fashion
    (x_full, y_full), (x_test, y_test) = fashion_debian
    np.testing.assert_array_equal(x_sub_test, x_test)  # the whole official test set, in order
    np.testing.assert_array_equal(y_sub_test, y_test)
    label_of = {img.tobytes(): lab for img, lab in zip(x_full, y_full)}
    assert all(label_of.get(img.tobytes()) == lab for img, lab in zip(x_sub, y_sub))


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_fashion_subset",
                                                  ROOT / "tools" / "build_fashion_subset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_debian
def test_rebuild_script_is_deterministic(tmp_path):
    out = tmp_path / "rebuilt.npz"
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build_fashion_subset.py"),
                           str(DEBIAN), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"sha256 {datasets.FASHION_SUBSET_SHA256}" in proc.stdout
    assert datasets.sha256_of(out) == datasets.FASHION_SUBSET_SHA256
    assert out.read_bytes() == bundled(datasets.FASHION_FILE).read_bytes()


@needs_debian
@pytest.mark.skipif(not DEBS, reason="no dataset-fashion-mnist .deb in /var/cache/apt/archives")
def test_rebuild_script_reads_the_deb_like_the_installed_files():
    script = load_build_script()
    from_deb = script.read_gz_files(DEBS[-1])
    from_dir = script.read_gz_files(DEBIAN)
    assert from_deb.keys() == from_dir.keys() == datasets.FASHION_IDX_SHA256.keys()
    assert all(from_deb[name] == from_dir[name] for name in from_dir)


def test_debian_files_absent_gives_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "FASHION_DEBIAN_DIR", tmp_path / "fashion-mnist")
    with pytest.raises(DatasetError, match=r"apt-get install dataset-fashion-mnist.*bundled"):
        datasets.load_fashion_mnist("debian")


def test_custom_debian_folder_without_the_files(tmp_path):
    with pytest.raises(DatasetError, match=r"path 指向的目录 .* 中没有 train-images-idx3-ubyte\.gz") as info:
        datasets.load_fashion_mnist("debian", path=tmp_path)
    assert "apt-get" not in str(info.value)


@pytest.mark.parametrize("custom", [False, True], ids=["installed", "custom"])
def test_damaged_debian_file(custom, tmp_path, monkeypatch):
    for name in datasets.FASHION_IDX_SHA256:
        (tmp_path / name).write_bytes(b"\x1f\x8b not the original")
    if custom:
        with pytest.raises(DatasetError, match="sha256 与 Fashion-MNIST 原始文件不符.*换用原始文件"):
            datasets.load_fashion_mnist("debian", path=tmp_path)
    else:
        monkeypatch.setattr(datasets, "FASHION_DEBIAN_DIR", tmp_path)
        with pytest.raises(DatasetError, match="已损坏或被修改.*--reinstall dataset-fashion-mnist"):
            datasets.load_fashion_mnist("debian")


# ------------------------------------------------------------------------------- IDX


def idx_bytes(array):
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.tobytes()


def test_parse_idx_round_trip():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(datasets.parse_idx(idx_bytes(images)), images)
    np.testing.assert_array_equal(datasets.parse_idx(bytearray(idx_bytes([7, 1, 9]))), [7, 1, 9])


@pytest.mark.parametrize("raw,message", [
    (b"\x00\x00\x0d\x01" + (3).to_bytes(4, "big") + bytes(12), "不是 uint8 的 IDX"),  # float32 IDX
    (b"\x00\x00\x08", "不是 uint8 的 IDX"),
    (idx_bytes([1, 2, 3])[:-1], r"长度 10 与文件头的形状 \(3,\) 不符"),
    (idx_bytes([1, 2, 3]) + b"\x00", r"长度 12 与文件头的形状 \(3,\) 不符"),
])
def test_parse_idx_rejects_what_it_cannot_decode(raw, message):
    with pytest.raises(DatasetError, match=message):
        datasets.parse_idx(raw, "labels.idx")


def test_sha256_of_reads_in_chunks(tmp_path):
    blob = bytes(range(256)) * 9000  # larger than one 1 MiB chunk
    (tmp_path / "blob").write_bytes(blob)
    assert datasets.sha256_of(tmp_path / "blob") == hashlib.sha256(blob).hexdigest()
    assert datasets.sha256_of(str(tmp_path / "blob")) == hashlib.sha256(blob).hexdigest()
