"""Bad-input cases for cnnbook.zoo (see tests/test_bad_input.py)."""
from cnnbook.zoo import build_zoo_model, load_zoo_model, resolve_builder, zoo_record

CASES = {
    "zoo_record": [(lambda: zoo_record("resnet152"), ValueError, "name"),
                   (lambda: zoo_record(3), TypeError, "name")],
    "build_zoo_model": [(lambda: build_zoo_model("nope"), ValueError, "name")],
    "load_zoo_model": [(lambda: load_zoo_model("nope"), ValueError, "name"),
                       (lambda: load_zoo_model(None), TypeError, "name"),
                       (lambda: load_zoo_model("lenet", verify="yes"), TypeError, "verify")],
    "resolve_builder": [(lambda: resolve_builder("os:system"), ValueError, "spec"),
                        (lambda: resolve_builder(None), TypeError, "spec")],
}
NO_ARGUMENTS = ["zoo_dir", "zoo_records", "zoo_names"]
