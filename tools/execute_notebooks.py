"""Execute chapter notebooks in place, top to bottom in a fresh kernel, and tidy them.

    python tools/execute_notebooks.py                      # every chapter
    python tools/execute_notebooks.py chapters/01_*.ipynb  # some chapters
    python tools/execute_notebooks.py --cwd root chapters/08_*.ipynb

Each notebook runs in its own kernel with the working directory of the
notebook's folder (``chapters/``), as JupyterLab does; ``--cwd root`` runs it
from the repository root instead, where some readers' kernels start (e.g. VS
Code with ``jupyter.notebookFileRoot`` set to the workspace): a chapter must run
from both (tests/test_install.py, tests/test_run_twice.py).
Afterwards the metadata is normalised so that re-running gives a clean diff:
no execution timestamps, fixed kernelspec, execution counts 1..n.  The run
fails if a stored output contains TensorFlow C++ log lines or memory addresses.
The wall time of each notebook is printed with its target on a 2-core CPU:
60 s for a chapter of the first part of ``_toc.yml``, 120 s for later parts.
"""
import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cnnbook.env import QUIET_ENV  # noqa: E402

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
NOISE = re.compile(
    r"absl::InitializeLog|cudart_stub|oneDNN custom operations|cpu_feature_guard|"
    r"Could not find cuda drivers|\b0x[0-9a-f]{8,}\b|^[IWE]\d{4} \d\d:\d\d:\d\d",
    re.MULTILINE,
)
# matplotlib's warning when a label is drawn without a font that has the glyph (tofu boxes)
MISSING_GLYPH = re.compile(r"Glyph \d+ .*? missing from|missing from (current )?font", re.I)


def output_texts(cell):
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            yield out.text
        elif out.output_type in ("execute_result", "display_data"):
            for mime, data in out.data.items():
                if mime.startswith("text/"):
                    yield data if isinstance(data, str) else "".join(data)
        elif out.output_type == "error":
            yield "\n".join(out.traceback)


def merge_streams(outputs):
    """Join consecutive stream outputs of the same name: how the kernel chunks stdout is timing luck."""
    merged = []
    for out in outputs:
        if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == out.name):
            merged[-1] = nbformat.v4.new_output("stream", name=out.name, text=merged[-1].text + out.text)
        else:
            merged.append(out)
    return merged


def normalise(nb):
    """Stable metadata: what a reviewer should see in a diff is code and outputs."""
    nb.metadata = nbformat.NotebookNode(
        kernelspec=KERNELSPEC,
        language_info={"name": "python", "pygments_lexer": "ipython3"},
    )
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            cell.outputs = merge_streams(cell.outputs)
            for out in cell.outputs:
                if "execution_count" in out:
                    out.execution_count = count
                out.get("metadata", {}).pop("execution", None)
    return nb


def time_target(path):
    """Seconds a chapter may take: 60 in the first part of _toc.yml, 120 in later parts."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for number, part in enumerate(toc.get("parts", [])):
        files = {c.get("file", "") for c in part.get("chapters", [])}
        if any((ROOT / f).with_suffix(".ipynb") == path for f in files):
            return 60 if number == 0 else 120
    return 60


def execute(path, timeout=600, cwd=None):
    """Run ``path`` in place in a fresh kernel whose working directory is ``cwd`` (default: its folder)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd or path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    normalise(nb)
    noisy = [i for i, c in enumerate(nb.cells)
             if any(NOISE.search(t) or MISSING_GLYPH.search(t) for t in output_texts(c))]
    nbformat.write(nb, path)
    return seconds, noisy


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--normalise-only", action="store_true", help="tidy stored notebooks without running them")
    parser.add_argument("--cwd", choices=("notebook", "root"), default="notebook",
                        help="the kernel's working directory: the notebook's folder (default) or the repo root")
    args = parser.parse_args()
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "chapters").glob("*.ipynb"))
    failed = False
    if args.normalise_only:
        for path in paths:
            nbformat.write(normalise(nbformat.read(path, as_version=4)), path)
        return 0
    for path in paths:
        seconds, noisy = execute(path, cwd=ROOT if args.cwd == "root" else None)
        target = time_target(path)
        flag = "" if seconds < target else f"  (over the {target} s target)"
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}: {seconds:5.1f} s{flag}")
        if noisy:
            failed = True
            print(f"  log noise or memory addresses in cells {noisy}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
