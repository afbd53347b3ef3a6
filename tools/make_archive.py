"""Pack everything a reader needs to run the chapters into one zip archive.

    .venv/bin/python tools/make_archive.py [-o _build/cnnbook-notebooks.zip]

The archive holds one folder, ``cnnbook-notebooks/``, laid out like the
repository: the chapter notebooks listed in ``_toc.yml``, the helper package
``cnnbook/``, ``data/`` (with ``data/zoo/`` when it is there), ``images/``, the
scripts under ``tools/`` that a chapter names, ``requirements.txt``,
``pyproject.toml`` and a short README with the commands to run it on a computer
or in Colab.  The book build (``_ext/cnnbook_reader.py``) writes it into the
HTML output, where every page links to it ("下载全部笔记本");
``tests/test_archive.py`` unpacks it and runs a chapter from it.

The zip is reproducible: entries are sorted and carry a fixed timestamp, so the
same sources give the same bytes.
"""
import argparse
import re
import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FOLDER = "cnnbook-notebooks"
ARCHIVE_NAME = f"{FOLDER}.zip"
# 1980-01-01, the earliest time a zip entry can carry: no build date in the bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}
TOOL_PATH = re.compile(r"tools/[A-Za-z0-9_/]+\.py")

# The recipe for Colab.  tests/test_archive.py runs exactly this code (with
# /content replaced by a temporary folder) in a fresh kernel, then a chapter.
COLAB_CELL = """\
import os, sys, zipfile
zipfile.ZipFile("/content/cnnbook-notebooks.zip").extractall("/content")
if "/content/cnnbook-notebooks" not in sys.path:
    sys.path.insert(0, "/content/cnnbook-notebooks")
os.chdir("/content/cnnbook-notebooks/chapters")
%pip install -q mplfonts
"""

README = """\
# 卷积神经网络：TensorFlow/Keras 实战 · 全部笔记本

这个压缩包里是运行本书各章所需的全部文件，目录结构与本书的仓库相同{repository}：

- `chapters/`：各章的 Jupyter 笔记本（含书中印出的输出）；
- `cnnbook/`：各章导入的辅助包；
- `data/`：随书数据（MNIST 与 Fashion-MNIST 子集{zoo}），来源与许可见 `data/README.md`；
- `images/`：各章引用的插图；{tools}
- `requirements.txt`、`pyproject.toml`：依赖与辅助包的安装信息。

不需要 GPU，也不需要联网下载数据。

## 在自己的电脑上运行

本书在 Python 3.11 上构建和测试。在解压出来的 `cnnbook-notebooks` 文件夹里：

```bash
python3 -m venv .venv
.venv/bin/pip install -r requirements.txt jupyterlab
.venv/bin/pip install -e .
.venv/bin/jupyter lab chapters/
```

Windows 上把 `.venv/bin/` 换成 `.venv\\Scripts\\`。`requirements.txt` 里还有构建与测试本书用的包（jupyter-book、pytest 等），只想运行笔记本时多装它们也无妨。

## 在 Colab 中运行

Colab 自带 TensorFlow、Keras、NumPy、Matplotlib、scikit-image 与 psutil（见 Colab 公布的包列表 github.com/googlecolab/backend-info），不必重装，也不必重启运行时：

1. 在 Colab 里用“文件 → 上传笔记本”打开想读的那一章（先在自己的电脑上解压，章节在 `chapters/` 里）。
2. 点左侧的文件夹图标，把 `cnnbook-notebooks.zip` 本身上传到 `/content`（不用解压）。
3. 在笔记本最上面插入一个代码单元格，粘贴下面几行并运行，然后从上到下运行全章：

```python
{colab}```

这个单元格把压缩包解压到 `/content/cnnbook-notebooks`，让 `import cnnbook` 找到其中的辅助包（只改 `sys.path`，所以不用重启），把工作目录切换到 `chapters/`，并安装画中文图用的 `mplfonts`。想用 GPU，先在“代码执行程序 → 更改运行时类型”里选 GPU。
"""


def toc_chapters(root=ROOT):
    """The chapter notebooks listed in _toc.yml, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    paths = []
    for name in files:
        stem = re.sub(r"\.ipynb$", "", name)
        path = root / f"{stem}.ipynb"
        if stem.startswith("chapters/") and path.is_file():
            paths.append(path)
    return paths


def _tree(folder):
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not SKIP_PARTS.intersection(p.parts)
        and not p.name.startswith(".") and p.suffix != ".pyc"
    )


def archive_files(root=ROOT):
    """(path in the archive, file on disk) for every file the archive holds."""
    root = Path(root)
    chapters = toc_chapters(root)
    files = list(chapters)
    files += _tree(root / "cnnbook") + _tree(root / "data") + _tree(root / "images")
    tools = set()
    for nb in chapters:
        tools.update(TOOL_PATH.findall(nb.read_text(encoding="utf-8")))
    files += [root / t for t in sorted(tools) if (root / t).is_file()]
    files += [root / name for name in ("requirements.txt", "pyproject.toml")]
    return [(f"{FOLDER}/{p.relative_to(root).as_posix()}", p) for p in files]


def repository_url(root=ROOT):
    """`repository.url` of _config.yml: the one place the repository's address is set."""
    config = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8")) or {}
    return ((config.get("repository") or {}).get("url") or "").strip()


def readme_text(root=ROOT):
    """The archive's README.md (Chinese): what is inside, how to run it."""
    root = Path(root)
    names = [name for name, _ in archive_files(root)]
    url = repository_url(root)
    zoo = any(n.startswith(f"{FOLDER}/data/zoo/") for n in names)
    tools = sorted(n[len(FOLDER) + 1:] for n in names if n.startswith(f"{FOLDER}/tools/"))
    return README.format(
        repository=f"（仓库：{url}）" if url else "",
        zoo="，以及 `data/zoo/` 里预先训练好的模型权重" if zoo else "",
        tools="\n- " + "、".join(f"`{t}`" for t in tools) + "：章节里用到的脚本；" if tools else "",
        colab=COLAB_CELL,
    )


def _entry(name):
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def make_archive(dest, root=ROOT):
    """Write the archive to `dest` (a path ending in .zip); returns the path."""
    dest = Path(dest)
    if dest.suffix != ".zip":
        raise ValueError(f"dest 应以 .zip 结尾，得到 {dest}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    with zipfile.ZipFile(tmp, "w", compresslevel=6) as zf:
        zf.writestr(_entry(f"{FOLDER}/README.md"), readme_text(root).encode("utf-8"))
        for name, path in archive_files(root):
            zf.writestr(_entry(name), path.read_bytes())
    tmp.replace(dest)
    return dest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "_build" / ARCHIVE_NAME,
                        help=f"the zip to write (default: _build/{ARCHIVE_NAME})")
    args = parser.parse_args(argv)
    path = make_archive(args.output)
    with zipfile.ZipFile(path) as zf:
        count = len(zf.infolist())
    print(f"{path}: {count} 个文件，{path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
