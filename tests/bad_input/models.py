"""Bad-input cases for cnnbook.models (see tests/test_bad_input.py)."""
from cnnbook.models import dense_net, lenet

CASES = {}

# dense_net (chapter 1): widths are positive ints; hidden is a list or tuple of them.
CASES["dense_net"] = [
    (lambda: dense_net(True), TypeError, "input_dim"),
    (lambda: dense_net(784.0), TypeError, "input_dim"),
    (lambda: dense_net(0), ValueError, "input_dim"),
    (lambda: dense_net(hidden=256), TypeError, "hidden"),
    (lambda: dense_net(hidden=(256, 0)), ValueError, "hidden"),
    (lambda: dense_net(hidden=(256, "64")), TypeError, "hidden"),
    (lambda: dense_net(num_classes=None), TypeError, "num_classes"),
    (lambda: dense_net(num_classes=-1), ValueError, "num_classes"),
]

# lenet (chapter 6): kind must be one of LENET_KINDS ("classic", "modern").
CASES["lenet"] = [
    (lambda: lenet("Classic"), ValueError, "kind"),
    (lambda: lenet("lenet5"), ValueError, "kind"),
    (lambda: lenet(""), ValueError, "kind"),
    (lambda: lenet(None), TypeError, "kind"),
    (lambda: lenet(5), TypeError, "kind"),
    (lambda: lenet(True), TypeError, "kind"),
    (lambda: lenet(("modern",)), TypeError, "kind"),
    (lambda: lenet(b"modern"), TypeError, "kind"),
]
