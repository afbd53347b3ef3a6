"""Two-worker MultiWorkerMirroredStrategy run on this machine (chapter 8).

    .venv/bin/python tools/multiworker_demo.py            # launch 2 workers on 127.0.0.1
    .venv/bin/python tools/multiworker_demo.py --workers 3

The launcher picks free ports on 127.0.0.1, starts one subprocess per worker with
its own ``TF_CONFIG`` (built by ``cnnbook.gpu.localhost_tf_config``; chapter 8 does
the same from the notebook) and prints
one JSON line per worker: its index, the number of replicas in sync, the first
and last loss, and a checksum of its trained weights (equal on every worker when
the gradients were really all-reduced).  Workers are CPU-only
(``CUDA_VISIBLE_DEVICES=""``) so that they never fight over one GPU.

Keras 3 ``Model.fit`` does not work with ``MultiWorkerMirroredStrategy``
(keras-team/keras#20585), so each worker runs a short custom training loop
with ``strategy.run``: that part works on Keras 3.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (the OS picks them)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def train_worker(examples=2048, global_batch=64, seed=0):
    """One worker: the same script runs on every machine; only TF_CONFIG differs."""
    sys.path.insert(0, str(ROOT))
    from cnnbook.env import quiet_tensorflow, set_seed

    tf = quiet_tensorflow()
    import keras

    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG, joins the others
    set_seed(seed)
    from cnnbook.datasets import load_mnist
    from cnnbook.models import lenet

    (x, y), _ = load_mnist()
    x = (x[:examples, ..., None] / 255.0).astype("float32")
    y = y[:examples].astype("int32")
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch)
    options = tf.data.Options()  # every worker reads the same arrays: shard by element
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dist_ds = strategy.experimental_distribute_dataset(ds.with_options(options))

    with strategy.scope():  # variables are mirrored on every replica of every worker
        model = lenet("modern")
        optimizer = keras.optimizers.Adam(1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")

    @tf.function
    def train_step(xb, yb):
        def replica_step(xb, yb):
            with tf.GradientTape() as tape:
                per_example = loss_fn(yb, model(xb, training=True))
                loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))  # all-reduce inside
            return loss

        return strategy.reduce("SUM", strategy.run(replica_step, args=(xb, yb)), axis=None)

    losses = [float(train_step(xb, yb)) for xb, yb in dist_ds]
    checksum = sum(float(tf.reduce_sum(tf.abs(v))) for v in model.trainable_variables)
    return {
        "replicas": strategy.num_replicas_in_sync,
        "steps": len(losses),
        "first_loss": round(losses[0], 4),
        "last_loss": round(losses[-1], 4),
        "weights_checksum": round(checksum, 4),
    }


def start_workers(tf_configs):
    """Start one worker subprocess per TF_CONFIG dict (CPU-only); return the Popen objects."""
    procs = []
    for config in tf_configs:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                   TF_CONFIG=json.dumps(config))
        procs.append(subprocess.Popen([sys.executable, __file__, "--worker"], env=env, cwd=ROOT,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return procs


def collect(procs, timeout=180):
    """Wait for the workers; return their JSON results, or raise with the failing worker's stderr."""
    results = []
    try:
        for index, proc in enumerate(procs):
            out, err = proc.communicate(timeout=timeout)
            if proc.returncode != 0:
                raise RuntimeError(f"worker {index} 失败（退出码 {proc.returncode}）：\n{err[-2000:]}")
            results.append({"worker": index, **json.loads(out.strip().splitlines()[-1])})
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="number of workers (default 2)")
    parser.add_argument("--worker", action="store_true", help="internal: run one worker from TF_CONFIG")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(train_worker()))
        return 0
    sys.path.insert(0, str(ROOT))
    from cnnbook.env import quiet_tensorflow

    quiet_tensorflow()  # cnnbook.gpu imports TensorFlow: keep its start-up log quiet
    from cnnbook.gpu import localhost_tf_config

    start = time.perf_counter()
    ports = free_ports(args.workers)
    procs = start_workers([localhost_tf_config(ports, index) for index in range(args.workers)])
    for result in collect(procs):
        print(json.dumps(result))
    print(f"{args.workers} workers finished in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
