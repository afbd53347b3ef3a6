"""The model zoo: fully trained Part II networks, loaded with their sha256 checked.

``make zoo`` (``tools/zoo.py``) trains every model of the zoo on the full
60,000 Fashion-MNIST training images and writes, under ``data/zoo/``, one
``<name>.weights.h5`` per model and ``records.json`` with one record per
model: the builder and its arguments, the training schedule, the seconds it
took and on what machine, the test accuracy and the weight file's sha256.

A chapter rebuilds a model with the same builder the chapter teaches and
loads the weights::

    from cnnbook.zoo import load_zoo_model, zoo_record
    model = load_zoo_model("resnet")
    zoo_record("resnet")["test_accuracy"]
"""
import importlib
import json

from cnnbook.checks import check_bool, check_str
from cnnbook.datasets import DatasetError, data_dir, sha256_of

RECORDS_FILE = "records.json"


def zoo_dir():
    """The folder with the zoo's weight files and records.json."""
    return data_dir() / "zoo"


def zoo_records():
    """All records, as a dict name -> record (in training order)."""
    path = zoo_dir() / RECORDS_FILE
    if not path.is_file():
        raise DatasetError(f"找不到模型库的记录文件 {path}：请在仓库根目录运行 `make zoo`（或 `git checkout -- data/zoo`）。")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise DatasetError(f"{path} 不是有效的 JSON（{exc}）") from exc
    return {r["name"]: r for r in records["models"]}


def zoo_names():
    """Names of the models in the zoo, in training order."""
    return list(zoo_records())


def zoo_record(name):
    """The record of one zoo model (a dict; see the module docstring)."""
    check_str("name", name)
    records = zoo_records()
    if name not in records:
        raise ValueError(f"name 应为模型库中的名字之一（{'、'.join(records)}），收到 {name!r}")
    return records[name]


def resolve_builder(spec):
    """``"cnnbook.classic:vgg"`` -> the function ``cnnbook.classic.vgg``."""
    check_str("spec", spec)
    module, _, attr = spec.partition(":")
    if not module.startswith("cnnbook.") or not attr:
        raise ValueError(f'spec 应形如 "cnnbook.模块:函数"，收到 {spec!r}')
    return getattr(importlib.import_module(module), attr)


def build_zoo_model(name):
    """A new, untrained model with the architecture of zoo model ``name``."""
    record = zoo_record(name)
    return resolve_builder(record["builder"])(**record["kwargs"])


def load_zoo_model(name, verify=True):
    """Build zoo model ``name`` and load its trained weights (sha256 checked first)."""
    verify = check_bool("verify", verify)
    record = zoo_record(name)
    path = zoo_dir() / record["weights"]
    if not path.is_file():
        raise DatasetError(f"找不到 {path}：请运行 `make zoo MODELS={name}` 重新训练，或 `git checkout -- data/zoo`。")
    if verify:
        actual = sha256_of(path)
        if actual != record["sha256"]:
            raise DatasetError(
                f"{path} 的 sha256 为 {actual}，与记录的 {record['sha256']} 不符："
                f"文件已损坏或被修改。请 `git checkout -- data/zoo` 或 `make zoo MODELS={name}`。")
    model = build_zoo_model(name)
    model.load_weights(path)
    return model
