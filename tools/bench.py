"""Benchmarks of chapter 7 (NumPy CNN) and chapter 6 (Keras LeNet), measured side by side in one run.

    make bench                 # or: .venv/bin/python tools/bench.py [--quick]

Prints (no files written, not a test):

1. training throughput (examples/s) of the chapter-7 NumPy CNN against a seed-style
   implementation of the same network and the same maths (loops over output positions
   in im2col/col2im, float64, a zero gradient array for every tensor, like the NumPy
   tutorial the chapter is based on), against the chapter code with only the
   convolution swapped for the position loops, and against the chapter's pooled
   variant (a 2x2 max pooling after the convolution) -- at the seed's batch size 2 and
   at the chapter's batch size 32, on the same MNIST batches;
2. the NumPy convolution forward pass (im2col + one matmul) against tf.nn.conv2d on
   the same tensors;
3. Keras: the same seed network, and the modern LeNet of chapter 6
   (cnnbook.models.lenet("modern"), chapter-6 schedule), examples/s and test accuracy.

Timings are noisy on a shared 2-core machine: every number is the median of several
interleaved rounds.  NumPy's BLAS is limited to one thread (as in chapter 7); TensorFlow
keeps its default thread pools.
"""
import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy is imported (see chapter 7)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from cnnbook.env import quiet_tensorflow, set_seed  # noqa: E402

tf = quiet_tensorflow()
import keras  # noqa: E402

from cnnbook import numpy_cnn as nc  # noqa: E402
from cnnbook.datasets import load_mnist  # noqa: E402

SEED_BATCH, CHAPTER_BATCH = 2, 32
LEARNING_RATE = {SEED_BATCH: 0.01, CHAPTER_BATCH: 0.1}   # the seed's and the chapter's settings


# --------------------------------------------------------------------------------------
# A seed-style reference: the same network and maths, written the way the tutorial does
# --------------------------------------------------------------------------------------
class SeedTensor:
    """Every tensor owns a zero gradient from the start; backward() recurses into parents."""

    def __init__(self, data, parents=(), backward_fn=None):
        self.data = np.array(data)                  # always a copy
        self.grad = np.zeros_like(self.data)
        self.parents = parents
        self.backward_fn = backward_fn

    def backward(self):
        if self.backward_fn is not None:
            self.backward_fn()
        for p in self.parents:
            p.backward()


class SeedConv2D:
    """NHWC convolution whose im2col and col2im loop over the Ho*Wo output positions."""

    def __init__(self, kernel, bias):
        self.kernel, self.bias = SeedTensor(kernel), SeedTensor(bias)

    def __call__(self, x):
        n, h, w, ci = x.data.shape
        kh, kw, _, co = self.kernel.data.shape
        ho, wo = h - kh + 1, w - kw + 1
        patches = []
        for i in range(ho):                          # one small slice per output position
            for j in range(wo):
                patches.append(x.data[:, i:i + kh, j:j + kw, :])
        cols = np.array(patches).transpose(1, 0, 2, 3, 4).reshape(n * ho * wo, -1)
        wmat = self.kernel.data.reshape(-1, co)
        out = SeedTensor((cols @ wmat + self.bias.data).reshape(n, ho, wo, co), (x,))

        def backward_fn():
            g = out.grad.reshape(-1, co)
            self.kernel.grad += (cols.T @ g).reshape(self.kernel.data.shape)
            self.bias.grad += g.sum(axis=0)
            dcols = (g @ wmat.T).reshape(n, ho, wo, kh, kw, ci)
            dx = np.zeros_like(x.data)
            for i in range(ho):                      # scatter back, one position at a time
                for j in range(wo):
                    dx[:, i:i + kh, j:j + kw, :] += dcols[:, i, j]
            x.grad += dx                             # computed even for the input images

        out.backward_fn = backward_fn
        return out

    def parameters(self):
        return [self.kernel, self.bias]


class SeedDense:
    def __init__(self, kernel, bias):
        self.kernel, self.bias = SeedTensor(kernel), SeedTensor(bias)

    def __call__(self, x):
        out = SeedTensor(x.data @ self.kernel.data + self.bias.data, (x,))

        def backward_fn():
            self.kernel.grad += x.data.T @ out.grad
            self.bias.grad += out.grad.sum(axis=0)
            x.grad += out.grad @ self.kernel.data.T

        out.backward_fn = backward_fn
        return out

    def parameters(self):
        return [self.kernel, self.bias]


def seed_flatten(x):
    out = SeedTensor(x.data.reshape(len(x.data), -1), (x,))

    def backward_fn():
        x.grad += out.grad.reshape(x.data.shape)

    out.backward_fn = backward_fn
    return out


def seed_relu(x):
    out = SeedTensor(np.maximum(x.data, 0), (x,))

    def backward_fn():
        x.grad += out.grad * (x.data > 0)

    out.backward_fn = backward_fn
    return out


def make_seed_dropout(rate, rng):
    def dropout(x):
        scale = (rng.random(x.data.shape) >= rate) / (1 - rate)   # inverted, as in the chapter
        out = SeedTensor(x.data * scale, (x,))

        def backward_fn():
            x.grad += out.grad * scale

        out.backward_fn = backward_fn
        return out

    return dropout


class SeedNetwork:
    """conv 3x3x16 -> flatten -> dropout -> dense 64 -> relu -> dense 10, seed style, float64."""

    def __init__(self, weights, rng):
        w = [np.asarray(a, dtype=np.float64) for a in weights]
        self.conv, self.dense1, self.dense2 = SeedConv2D(w[0], w[1]), SeedDense(w[2], w[3]), SeedDense(w[4], w[5])
        self.dropout = make_seed_dropout(0.2, rng)

    def __call__(self, x):
        h = self.dropout(seed_flatten(self.conv(x)))
        return self.dense2(seed_relu(self.dense1(h)))

    def parameters(self):
        return self.conv.parameters() + self.dense1.parameters() + self.dense2.parameters()


def seed_cross_entropy(logits, labels):
    z = logits.data - logits.data.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = SeedTensor(-np.log(np.clip(p[rows, labels], 1e-10, 1)).mean(), (logits,))

    def backward_fn():
        d = p.copy()
        d[rows, labels] -= 1
        logits.grad += d / len(labels)

    loss.backward_fn = backward_fn
    return loss


def seed_step(net, x, y, lr):
    """One SGD step the seed's way: fresh zero gradients for every parameter, then update."""
    loss = seed_cross_entropy(net(SeedTensor(x.astype(np.float64))), y)
    for p in net.parameters():
        p.grad = np.zeros_like(p.data)
    loss.backward()
    for p in net.parameters():
        p.data -= lr * p.grad


# --------------------------------------------------------------------------------------
# The chapter's network, and the chapter's network with the position-loop convolution
# --------------------------------------------------------------------------------------
def chapter_network(seed=0):
    rng = np.random.default_rng(seed)
    return nc.Sequential([nc.Conv2D(1, 16, 3, rng=rng), nc.Flatten(), nc.Dropout(0.2, rng=rng),
                          nc.Dense(26 * 26 * 16, 64, rng=rng), nc.ReLU(), nc.Dense(64, 10, rng=rng)])


def pooled_network(seed=0):
    """The chapter's pooled variant: a 2x2 max pooling after the convolution (13x13x16 features)."""
    rng = np.random.default_rng(seed)
    return nc.Sequential([nc.Conv2D(1, 16, 3, rng=rng), nc.MaxPool2D(2), nc.Flatten(),
                          nc.Dropout(0.2, rng=rng), nc.Dense(13 * 13 * 16, 64, rng=rng), nc.ReLU(),
                          nc.Dense(64, 10, rng=rng)])


class LoopConv2D(nc.Conv2D):
    """The chapter's Conv2D with im2col/col2im replaced by loops over output positions."""

    def forward(self, x):
        kh, kw, ci, co = self.kernel.shape
        n, h, w, _ = x.shape
        ho, wo = h - kh + 1, w - kw + 1
        rows = [x.data[:, i:i + kh, j:j + kw, :].reshape(n, -1) for i in range(ho) for j in range(wo)]
        cols = np.stack(rows, axis=1).reshape(-1, kh * kw * ci)
        wmat = self.kernel.data.reshape(-1, co)
        y = (cols @ wmat + self.bias.data).reshape(n, ho, wo, co)

        def backward_fn(g):
            g2 = g.reshape(-1, co)
            self.kernel.add_grad((cols.T @ g2).reshape(kh, kw, ci, co))
            self.bias.add_grad(g2.sum(axis=0))
            if x.requires_grad:
                d = (g2 @ wmat.T).reshape(n, ho, wo, kh, kw, ci)
                dx = np.zeros(x.shape, dtype=d.dtype)
                for i in range(ho):
                    for j in range(wo):
                        dx[:, i:i + kh, j:j + kw, :] += d[:, i, j]
                x.add_grad(dx)

        return nc.Tensor(y, (x, self.kernel, self.bias), backward_fn)


def loop_conv_network(seed=0):
    net = chapter_network(seed)
    conv = LoopConv2D(1, 16, 3)
    conv.kernel, conv.bias = net.layers[0].kernel, net.layers[0].bias
    net.layers[0] = conv
    return net


def chapter_step(net, optimizer, x, y):
    loss = nc.softmax_cross_entropy(net(nc.Tensor(x)), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------
def throughput(step, x, y, batch_size, min_seconds):
    """Run step(xb, yb) over consecutive batches for min_seconds of CPU time.

    Returns (examples per CPU second, examples per wall-clock second).  The NumPy code
    is single-threaded (OPENBLAS_NUM_THREADS=1), so the process CPU time is the time
    it would take on one dedicated core, whatever else the machine is running.
    """
    done, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
    while True:
        for i in range(0, len(x) - batch_size + 1, batch_size):
            step(x[i:i + batch_size], y[i:i + batch_size])
            done += batch_size
            cpu = time.process_time() - cpu0
            if cpu >= min_seconds:
                return done / cpu, done / (time.perf_counter() - wall0)


def check_same_maths(x, y):
    """The three implementations give the same gradients on one batch (dropout off)."""
    ours = chapter_network()
    weights = [p.data for p in ours.parameters()]
    ours.eval()
    loss = nc.softmax_cross_entropy(ours(nc.Tensor(x)), y)
    loss.backward()
    loop = loop_conv_network()
    loop.eval()
    loss_loop = nc.softmax_cross_entropy(loop(nc.Tensor(x)), y)
    loss_loop.backward()
    seed = SeedNetwork(weights, np.random.default_rng(0))
    seed.dropout = lambda t: t
    seed_loss = seed_cross_entropy(seed(SeedTensor(x.astype(np.float64))), y)
    seed_loss.backward()
    for a, b, c in zip(ours.parameters(), loop.parameters(), seed.parameters()):
        assert np.allclose(a.grad, b.grad, atol=1e-6), "loop-conv network disagrees with the chapter"
        assert np.allclose(a.grad, c.grad, atol=1e-5), "seed-style network disagrees with the chapter"


def bench_training(x, y, rounds, min_seconds):
    """Part 1: examples/s of the three implementations at batch 2 and 32, interleaved rounds."""
    rows = {}
    for batch in (SEED_BATCH, CHAPTER_BATCH):
        impls = {}
        seed_net = SeedNetwork([p.data for p in chapter_network().parameters()], np.random.default_rng(0))
        lr = LEARNING_RATE[batch]
        impls["seed"] = lambda xb, yb, net=seed_net, lr=lr: seed_step(net, xb, yb, lr)
        for name, make in (("loop", loop_conv_network), ("chapter", chapter_network),
                           ("pooled", pooled_network)):
            net = make()
            opt = nc.SGD(net.parameters(), lr=lr)
            net.train()
            impls[name] = lambda xb, yb, net=net, opt=opt: chapter_step(net, opt, xb, yb)
        samples = {name: [] for name in impls}
        for _ in range(rounds):
            for name, step in impls.items():
                samples[name].append(throughput(step, x, y, batch, min_seconds))
        for name, values in samples.items():
            rows[(name, batch)] = tuple(statistics.median(v) for v in zip(*values))
    return rows


def bench_conv_forward(rounds, repeat=20):
    """Part 2: NumPy conv forward (im2col + matmul) vs tf.nn.conv2d on the same float32 tensors."""
    rng = np.random.default_rng(0)
    cases = [("32×28×28×1 → 16，3×3（第 7 章的卷积层）", (32, 28, 28, 1), 16),
             ("256×28×28×1 → 16，3×3", (256, 28, 28, 1), 16),
             ("32×26×26×16 → 32，3×3（多通道）", (32, 26, 26, 16), 32)]
    results = []
    for label, shape, co in cases:
        x = rng.random(shape, dtype=np.float32)
        layer = nc.Conv2D(shape[-1], co, 3, rng=rng)
        xt, kt, bt = tf.constant(x), tf.constant(layer.kernel.data), tf.constant(layer.bias.data)
        ours = layer(nc.Tensor(x)).data
        theirs = (tf.nn.conv2d(xt, kt, 1, "VALID") + bt).numpy()
        assert np.allclose(ours, theirs, atol=1e-4), label
        fns = {"numpy": lambda: layer(nc.Tensor(x)).data,
               "tf": lambda: (tf.nn.conv2d(xt, kt, 1, "VALID") + bt).numpy()}
        best = {name: [] for name in fns}
        for _ in range(rounds):
            for name, f in fns.items():
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    f()
                    times.append(time.perf_counter() - start)
                best[name].append(min(times))
        results.append((label, 1000 * statistics.median(best["numpy"]), 1000 * statistics.median(best["tf"])))
    return results


class EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def keras_fit(model, optimizer, x, y, batch_size, epochs, validation_split=0.0):
    """Compile and fit quietly; return steady examples/s (epochs after the first)."""
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    timer = EpochTimer()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, validation_split=validation_split,
              callbacks=[timer], verbose=0)
    n_fit = int(len(x) * (1 - validation_split))
    steady = timer.seconds[1:] or timer.seconds
    return n_fit * len(steady) / sum(steady)


def bench_keras(x_train, y_train, x_test, y_test, lenet_epochs):
    """Part 3: Keras throughput and test accuracy: the seed network, and the modern LeNet of chapter 6."""
    results = []
    set_seed(0)
    seed_net = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(16, 3), keras.layers.Flatten(),
                                 keras.layers.Dropout(0.2), keras.layers.Dense(64, activation="relu"),
                                 keras.layers.Dense(10)])
    eps = keras_fit(seed_net, keras.optimizers.SGD(0.1), x_train, y_train, CHAPTER_BATCH, 3)
    acc = seed_net.evaluate(x_test, y_test, verbose=0)[1]
    results.append(("Keras，第 7 章的网络（SGD 0.1，批量 32，3 轮）", eps, acc))

    from cnnbook.models import lenet

    set_seed(0)
    model = lenet("modern")
    # chapter 6's schedule before it was cut to 3 epochs (batch 32, lr 5e-3)
    # to fit its time budget; the recorded results in appendix/benchmarks.md
    # were measured with this one
    batch, lr, val_split = 64, 3e-3, 0.1
    steps = -(-int(len(x_train) * (1 - val_split)) // batch) * lenet_epochs
    optimizer = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps))
    eps = keras_fit(model, optimizer, x_train, y_train, batch, lenet_epochs, validation_split=val_split)
    acc = model.evaluate(x_test, y_test, verbose=0)[1]
    results.append((f"Keras，现代 LeNet（Adam 3e-3 余弦衰减，批量 64，{lenet_epochs} 轮）", eps, acc))
    return results


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
        ram = f"{kb / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        ram = "?"
    gpus = tf.config.list_physical_devices("GPU")
    return (f"{cpu}, {os.cpu_count()} cores, {ram} RAM, {'GPU x%d' % len(gpus) if gpus else 'no GPU'} | "
            f"{platform.system()} | Python {platform.python_version()} | NumPy {np.__version__} | "
            f"TensorFlow {tf.__version__} | Keras {keras.__version__} | "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and LeNet epochs (a smoke test)")
    args = parser.parse_args()
    rounds, min_seconds, lenet_epochs = (1, 0.3, 2) if args.quick else (3, 1.5, 12)
    t0 = time.perf_counter()

    (x_train, y_train), (x_test, y_test) = load_mnist()
    x_train = (x_train[..., None] / 255.0).astype(np.float32)
    x_test = (x_test[..., None] / 255.0).astype(np.float32)
    y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)
    print("机器:", machine())
    print("开始时的负载（1/5/15 分钟平均）:", " ".join(f"{v:.2f}" for v in os.getloadavg()))
    print()

    check_same_maths(x_train[:8], y_train[:8])
    rows = bench_training(x_train, y_train, rounds, min_seconds)
    names = {"seed": "教程风格（逐位置循环，float64）",
             "loop": "本章代码，但卷积用逐位置循环",
             "chapter": "本章代码（sliding_window_view + 一次矩阵乘法）",
             "pooled": "本章代码 + 2×2 最大池化（第 7 章的池化网络）"}
    print(f"1. 训练吞吐量（样本/秒；同一批 MNIST 数据；前三种是同一个网络，梯度已核对一致；{rounds} 轮交替测量取中位数）")
    print("   “CPU”按本进程的 CPU 时间计（单线程，相当于独占一个核心），“墙钟”按实际经过的时间计")
    print(f"{'CPU 批量2':>10} {'CPU 批量32':>10} {'墙钟 批量2':>10} {'墙钟 批量32':>10}   实现")
    for key, label in names.items():
        (c2, w2), (c32, w32) = rows[(key, SEED_BATCH)], rows[(key, CHAPTER_BATCH)]
        print(f"{c2:10,.0f} {c32:10,.0f} {w2:10,.0f} {w32:10,.0f}   {label}")
    for k, what in ((0, "CPU"), (1, "墙钟")):
        chap2, chap32 = rows[("chapter", SEED_BATCH)][k], rows[("chapter", CHAPTER_BATCH)][k]
        seed2, seed32 = rows[("seed", SEED_BATCH)][k], rows[("seed", CHAPTER_BATCH)][k]
        print(f"   [{what}] 本章/教程风格：批量 2 时 {chap2 / seed2:.1f} 倍，批量 32 时 {chap32 / seed32:.1f} 倍；"
              f"本章（批量 32）/教程风格（批量 2）= {chap32 / seed2:.1f} 倍（目标 ≥ 30 倍）")
        pool2, pool32 = rows[("pooled", SEED_BATCH)][k], rows[("pooled", CHAPTER_BATCH)][k]
        print(f"   [{what}] 池化/不池化（都是本章代码）：批量 2 时 {pool2 / chap2:.1f} 倍，"
              f"批量 32 时 {pool32 / chap32:.1f} 倍")
    print()

    print(f"2. 卷积前向：NumPy（im2col + 一次矩阵乘法）对 tf.nn.conv2d（float32，同一组张量，毫秒，取最短用时的中位数）")
    print(f"{'NumPy':>9} {'TF':>9} {'比值':>7}   形状")
    for label, ms_np, ms_tf in bench_conv_forward(rounds):
        print(f"{ms_np:9.3f} {ms_tf:9.3f} {ms_np / ms_tf:6.1f}x   {label}")
    print()

    print("3. Keras（样本/秒不含第 1 轮；测试准确率在 2,000 张测试图像上）")
    print(f"{'样本/秒':>9} {'准确率':>8}   模型")
    for label, eps, acc in bench_keras(x_train, y_train, x_test, y_test, lenet_epochs):
        print(f"{eps:9,.0f} {acc:8.2%}   {label}")
    print()
    print("结束时的负载（1/5/15 分钟平均）:", " ".join(f"{v:.2f}" for v in os.getloadavg()))
    print(f"总用时 {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
