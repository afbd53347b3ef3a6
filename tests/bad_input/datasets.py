"""Bad-input cases for cnnbook.datasets (see tests/test_bad_input.py)."""
from cnnbook.datasets import DatasetError, load_fashion_mnist, load_mnist, parse_idx, sha256_of

CASES = {
    "load_mnist": [(lambda: load_mnist(source="mnist.org"), ValueError, "source"),
                   (lambda: load_mnist(path=3), TypeError, "path"),
                   (lambda: load_mnist(path="/"), ValueError, "path"),
                   (lambda: load_mnist(path="/no/such/file.npz"), ValueError, "path"),
                   (lambda: load_mnist(verify="no"), TypeError, "verify"),
                   (lambda: load_mnist(source="keras", path="x.npz"), ValueError, "path")],
    "load_fashion_mnist": [(lambda: load_fashion_mnist(source="zalando"), ValueError, "source"),
                           (lambda: load_fashion_mnist(verify=0), TypeError, "verify"),
                           (lambda: load_fashion_mnist(path=1.5), TypeError, "path"),
                           (lambda: load_fashion_mnist("debian", path="/no/such/dir"), ValueError, "path")],
    "parse_idx": [(lambda: parse_idx("not bytes"), TypeError, "raw"),
                  (lambda: parse_idx(b"\x00\x00\x09\x01abcd"), DatasetError, "IDX")],
    "sha256_of": [(lambda: sha256_of(3), TypeError, "path"),
                  (lambda: sha256_of("/no/such/file"), ValueError, "path")],
}
# data_dir takes no arguments; DatasetError is an exception class.
NO_ARGUMENTS = ["data_dir", "DatasetError"]
