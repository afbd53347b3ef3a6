"""The model zoo: every weight file matches its record, loads into its builder, meets its target,
and the trainer (tools/zoo.py) is deterministic.

The zoo is trained by ``make zoo`` (hours on a CPU), so this test does not
retrain it: it checks what was committed against the records and against the
specs of ``tools/zoo.py``, evaluates every model on the first 2,000 official
test images (the chapters print the full 10,000-image accuracies, checked by
nbval), and runs the trainer for a few steps, twice, to show that a run is
reproducible to the byte.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import zoo_tool as load_zoo_tool

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()

from cnnbook.datasets import load_fashion_mnist, sha256_of  # noqa: E402
from cnnbook.train import evaluate  # noqa: E402
from cnnbook.zoo import build_zoo_model, load_zoo_model, zoo_dir, zoo_records  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
zoo_tool = load_zoo_tool()
SPECS = zoo_tool.SPEC_BY_NAME
RECORDS = zoo_records()


SPEC_NAMES = [s["name"] for s in zoo_tool.SPECS]
UNTRAINED = [name for name in SPEC_NAMES if name not in RECORDS]


def test_every_record_has_a_spec_in_spec_order():
    assert [name for name in SPEC_NAMES if name in RECORDS] == list(RECORDS)


# The zoo takes hours on a 2-core CPU and is trained over several sessions
# (`make zoo MODELS="..."`); until it is complete this test is reported as an
# expected failure that names the missing models.  strict=True: once every
# model is trained it must pass (an XPASS is a failure).
@pytest.mark.xfail(bool(UNTRAINED), strict=True,
                   reason=f"model zoo incomplete, not trained yet: {UNTRAINED}")
def test_every_spec_has_a_record():
    assert not UNTRAINED, f"not trained yet: {UNTRAINED}"


def test_zoo_fits_the_size_budget():
    total = sum(p.stat().st_size for p in zoo_dir().glob("*.weights.h5"))
    assert total <= 20e6, f"data/zoo holds {total / 1e6:.1f} MB of weights (budget 20 MB)"


@pytest.mark.parametrize("name", list(RECORDS))
def test_record_matches_its_weight_file_and_spec(name):
    record, spec = RECORDS[name], SPECS[name]
    path = zoo_dir() / record["weights"]
    assert path.is_file()
    assert sha256_of(path) == record["sha256"]
    assert path.stat().st_size == record["bytes"]
    assert (record["builder"], record["kwargs"]) == (spec["builder"], spec["kwargs"])
    assert {k: record["training"][k] for k in spec["train"]} == spec["train"]
    assert record["training"]["data"].startswith("Fashion-MNIST，60,000")
    for key in ("seconds", "examples_per_second", "machine", "test_accuracy", "train_accuracy"):
        assert record[key], key
    assert record["test_accuracy"] >= spec["target"], (
        f"{name}: test accuracy {record['test_accuracy']} is below its target {spec['target']}")
    assert build_zoo_model(name).count_params() == record["params"]


@pytest.fixture(scope="module")
def test_images():
    _, (x_test, y_test) = load_fashion_mnist()
    return x_test[:2000], y_test[:2000]


@pytest.mark.parametrize("name", list(RECORDS))
def test_weights_load_into_the_builder_and_predict_as_recorded(name, test_images):
    model = load_zoo_model(name)
    _, accuracy = evaluate(model, *test_images)
    # the first 2,000 of the 10,000 test images: within 2 points of the full-set accuracy
    assert abs(accuracy - RECORDS[name]["test_accuracy"]) < 0.02, accuracy


def test_a_corrupted_weight_file_is_refused(tmp_path, monkeypatch):
    from cnnbook import zoo
    from cnnbook.datasets import DatasetError

    name = next(iter(RECORDS))
    for src in zoo_dir().iterdir():
        data = src.read_bytes()
        if src.name == RECORDS[name]["weights"]:
            data = data[:-1] + bytes([data[-1] ^ 1])
        (tmp_path / src.name).write_bytes(data)
    monkeypatch.setattr(zoo, "zoo_dir", lambda: tmp_path)
    with pytest.raises(DatasetError, match="sha256"):
        zoo.load_zoo_model(name)


def test_trainer_runs_and_is_deterministic(tmp_path):
    """Three steps of LeNet, twice in fresh processes: identical weight files and records."""
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        proc = subprocess.run(
            [sys.executable, "tools/zoo.py", "lenet", "--steps", "3", "--out", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        records = json.loads((out / "records.json").read_text(encoding="utf-8"))["models"]
        assert [r["name"] for r in records] == ["lenet"]
        assert records[0]["sha256"] == sha256_of(out / "lenet.weights.h5")
        assert records[0]["training"]["steps"] == 3
        digests.append(records[0]["sha256"])
    assert digests[0] == digests[1]
    assert np.isfinite(records[0]["test_loss"])
