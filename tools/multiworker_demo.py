"""Two-worker MultiWorkerMirroredStrategy run on this machine (chapter 8).

    .venv/bin/python tools/multiworker_demo.py              # 2 workers on 127.0.0.1
    .venv/bin/python tools/multiworker_demo.py --workers 3 --timeout 300

Picks free ports on 127.0.0.1 and starts one CPU-only subprocess per worker with
its own ``TF_CONFIG``, through ``cnnbook.gpu.run_workers`` -- the launcher that
chapter 8 uses too.  Each worker runs ``cnnbook.gpu.train_worker`` (a short
custom training loop: Keras 3 ``Model.fit`` does not work with
``MultiWorkerMirroredStrategy``, keras-team/keras#20585) and the tool prints one
JSON line per worker: its index, the number of replicas in sync, the first and
last loss, and a checksum of its trained weights (equal on every worker when the
gradients were really all-reduced).

If a worker fails (for example because its port is taken) or the run times out,
the launcher terminates every worker it started and the tool exits with status 1
and the failing worker's address and error.
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="number of workers (default 2)")
    parser.add_argument("--timeout", type=float, default=180.0,
                        help="seconds before every worker is stopped (default 180)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from cnnbook.env import quiet_tensorflow

    quiet_tensorflow()  # cnnbook.gpu imports TensorFlow: keep its start-up log quiet
    from cnnbook.gpu import free_ports, run_workers

    start = time.perf_counter()
    try:
        results = run_workers(free_ports(args.workers), timeout=args.timeout)
    except (RuntimeError, TimeoutError, ValueError, TypeError) as err:
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        return 1
    for result in results:
        print(json.dumps(result))
    print(f"{args.workers} workers finished in {time.perf_counter() - start:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
