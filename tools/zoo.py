"""Train the model zoo: every Part II network, fully, on the full Fashion-MNIST.

    python tools/zoo.py                  # train every model in SPECS (make zoo)
    python tools/zoo.py resnet vgg       # only these (make zoo MODELS="resnet vgg")
    python tools/zoo.py --list           # names, builders and schedules
    python tools/zoo.py lenet --steps 3 --out /tmp/zoo   # a smoke test (tests/test_zoo.py)

Each model is built with the same builder its chapter teaches (the
``builder`` string names a function of the ``cnnbook`` package), trained on
the 60,000 training images of Debian's ``dataset-fashion-mnist`` package with
the schedule in its spec, evaluated on the official 10,000 test images, and
saved as ``data/zoo/<name>.weights.h5``; ``data/zoo/records.json`` gets one
record per model (builder, arguments, schedule, seconds, machine, accuracy,
sha256).  Records of models not trained in this run are kept.

The run is deterministic: fixed seeds, ``tf.config.experimental.
enable_op_determinism()``, a seeded input pipeline, and a fixed number of
threads (``--threads``, recorded), so the same machine reproduces the same
weights and sha256.
"""
import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cnnbook.env import quiet_tensorflow, set_seed  # noqa: E402

SMALL = [28, 28, 1]
# One spec per zoo model.  "train" holds the arguments of cnnbook.train.fit;
# "target" is the test accuracy the model must reach (tests/test_zoo.py checks
# the records against it): d2l's Fashion-MNIST results for the same families,
# at 96 or 224 pixels on a GPU, are the bar to beat at native 28x28 on a CPU.
COMMON = dict(batch_size=128, optimizer="adam", lr=3e-3, schedule="cosine", augment=True,
              shift=2, seed=0)
SPECS = [
    dict(name="lenet", target=0.905, title="LeNet（ReLU + 最大池化）", chapter=6,
         builder="cnnbook.models:lenet", kwargs=dict(kind="modern"),
         train=dict(COMMON, epochs=25)),
    dict(name="lenet_bn", target=0.915, title="BN-LeNet", chapter=9,
         builder="cnnbook.batchnorm:lenet_bn", kwargs={},
         train=dict(COMMON, epochs=25)),
    dict(name="resnet", target=0.93, title="ResNet（缩小版）", chapter=11,
         builder="cnnbook.resnet:resnet",
         kwargs=dict(stages=[[16, 2], [32, 2], [64, 2]], input_shape=SMALL, num_classes=10,
                     stem="small", stem_filters=16, name="resnet_small"),
         train=dict(COMMON, epochs=12)),
    dict(name="densenet", target=0.93, title="DenseNet（缩小版）", chapter=11,
         builder="cnnbook.resnet:densenet",
         kwargs=dict(blocks=[2, 4, 4], growth_rate=16, input_shape=SMALL, num_classes=10,
                     stem="small", stem_filters=32, bottleneck=False, name="densenet_small"),
         train=dict(COMMON, epochs=16)),
    dict(name="vgg", target=0.925, title="VGG（缩小版）", chapter=10,
         builder="cnnbook.classic:vgg",
         kwargs=dict(conv_arch=[[1, 32], [2, 64], [2, 128]], input_shape=SMALL, num_classes=10,
                     dense_units=[256, 256], dropout=0.5, batch_norm=True, name="vgg_small"),
         train=dict(COMMON, epochs=12)),
    dict(name="googlenet", target=0.925, title="GoogLeNet（缩小版）", chapter=10,
         builder="cnnbook.classic:googlenet",
         kwargs=dict(input_shape=SMALL, num_classes=10,
                     stages=[[["3a", 16, [16, 32], [8, 16], 16], ["3b", 32, [32, 48], [8, 24], 16]],
                             [["4a", 48, [32, 64], [8, 16], 16], ["4b", 64, [48, 96], [12, 32], 32]]],
                     stem="small", stem_filters=[32], dropout=0.2, batch_norm=True,
                     name="googlenet_small"),
         train=dict(COMMON, epochs=12)),
    dict(name="alexnet", target=0.925, title="AlexNet（缩小版）", chapter=10,
         builder="cnnbook.classic:alexnet",
         kwargs=dict(input_shape=SMALL, num_classes=10,
                     arch=[[32, 5, 1, True], [64, 5, 1, True], [96, 3, 1, False],
                           [96, 3, 1, False], [64, 3, 1, True]],
                     dense_units=[256, 256], dropout=0.5, first_padding="same",
                     batch_norm=True, name="alexnet_small"),
         train=dict(COMMON, epochs=20)),
    dict(name="nin", target=0.925, title="NiN（缩小版）", chapter=10,
         builder="cnnbook.classic:nin",
         kwargs=dict(input_shape=SMALL, num_classes=10,
                     arch=[[32, 5, 1, "same"], [64, 3, 1, "same"], [128, 3, 1, "same"]],
                     dropout=0.5, batch_norm=True, name="nin_small"),
         # 12 epochs reached 92.06% (train accuracy 0.923, still rising)
         train=dict(COMMON, epochs=20)),
]
SPEC_BY_NAME = {s["name"]: s for s in SPECS}


def machine(threads):
    """What the record says about where it was trained."""
    import keras
    import numpy as np

    tf = quiet_tensorflow()
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "threads": threads, "gpu": False,
            "python": platform.python_version(), "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": np.__version__}


def _cpu_seconds():
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def LoadSampler():
    import keras

    class _LoadSampler(keras.callbacks.Callback):
        samples = []

        def on_epoch_end(self, epoch, logs=None):
            self.samples.append(os.getloadavg()[0])

        def mean(self):
            return round(sum(self.samples) / len(self.samples), 2) if self.samples else None

    sampler = _LoadSampler()
    sampler.samples = []
    return sampler


def train_one(spec, data, out_dir, threads, steps=None):
    """Train one spec; return its record (and write the weights file)."""
    from cnnbook.datasets import sha256_of
    from cnnbook.train import evaluate, fit
    from cnnbook.zoo import resolve_builder

    (x_train, y_train), (x_test, y_test) = data
    set_seed(spec["train"]["seed"])
    model = resolve_builder(spec["builder"])(**spec["kwargs"])
    train = dict(spec["train"])
    if steps is not None:  # smoke test: a few batches of one short epoch
        n = steps * train["batch_size"]
        x_train, y_train, train["epochs"] = x_train[:n], y_train[:n], 1
    print(f"== {spec['name']}: {model.count_params():,} 个参数，{train['epochs']} 轮", flush=True)
    load = LoadSampler()
    cpu_start = _cpu_seconds()
    result = fit(model, x_train, y_train, verbose=True, prefix=f"{spec['name']} ", callbacks=[load],
                 **train)
    cpu = _cpu_seconds() - cpu_start
    test_loss, test_acc = evaluate(model, x_test, y_test)
    path = out_dir / f"{spec['name']}.weights.h5"
    # A compiled model would also save the optimizer's state (Adam: two more
    # copies of every weight); the zoo keeps only the weights, in a new model
    # built by the same builder, exactly what load_zoo_model loads into.
    bare = resolve_builder(spec["builder"])(**spec["kwargs"])
    bare.set_weights(model.get_weights())
    bare.save_weights(path)
    record = {
        "name": spec["name"], "title": spec["title"], "chapter": spec["chapter"],
        "builder": spec["builder"], "kwargs": spec["kwargs"],
        "params": int(model.count_params()),
        "training": dict(train, data=f"Fashion-MNIST，{len(x_train):,} 张训练图像（Debian dataset-fashion-mnist）",
                         steps=result.steps),
        "seconds": round(result.seconds, 1),
        # CPU time (user + system, all threads) of the training: unlike the wall
        # time it hardly depends on what else the machine was doing.
        "cpu_seconds": round(cpu, 1),
        "examples_per_second": round(result.examples_per_second, 1),
        "machine": machine(threads),
        # 1-minute load average, sampled after every epoch: above the thread
        # count, other work shared the cores and the seconds above are longer.
        "load_average": load.mean(),
        "train_accuracy": round(result.final("accuracy"), 4),
        "test_loss": round(test_loss, 4),
        "test_accuracy": round(test_acc, 4),
        "weights": path.name,
        "bytes": path.stat().st_size,
        "sha256": sha256_of(path),
        "date": time.strftime("%Y-%m-%d"),
    }
    print(f"== {spec['name']}: 测试准确率 {test_acc:.4f}，训练 {result.seconds:.0f} s，"
          f"sha256 {record['sha256'][:16]}…", flush=True)
    return record


def write_records(out_dir, new_records):
    path = out_dir / "records.json"
    old = json.loads(path.read_text(encoding="utf-8"))["models"] if path.is_file() else []
    merged = {r["name"]: r for r in old}
    merged.update({r["name"]: r for r in new_records})
    order = [s["name"] for s in SPECS]
    models = sorted(merged.values(), key=lambda r: order.index(r["name"]) if r["name"] in order else len(order))
    path.write_text(json.dumps({"models": models}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", help="names of SPECS to train (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "zoo")
    parser.add_argument("--threads", type=int, default=2, help="TensorFlow intra- and inter-op threads")
    parser.add_argument("--steps", type=int, default=None, help="smoke test: train only this many batches")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args(argv)
    unknown = [m for m in args.models if m not in SPEC_BY_NAME]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; known: {list(SPEC_BY_NAME)}")
    if args.list:
        for s in SPECS:
            print(f"{s['name']:10s} {s['builder']:28s} {s['train']['epochs']} epochs")
        return 0
    tf = quiet_tensorflow()
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    from cnnbook.datasets import load_fashion_mnist

    (x_train, y_train), _ = load_fashion_mnist("debian")
    _, (x_test, y_test) = load_fashion_mnist("bundled")  # the same official 10,000 test images
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.models or list(SPEC_BY_NAME):
        record = train_one(SPEC_BY_NAME[name], ((x_train, y_train), (x_test, y_test)),
                           args.out, args.threads, args.steps)
        write_records(args.out, [record])  # after every model: a long run keeps what it finished
    return 0


if __name__ == "__main__":
    sys.exit(main())
