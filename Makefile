# 《卷积神经网络：TensorFlow/Keras 实战》
#   make book     build the HTML book  -> _build/html/index.html
#   make serve    build, then serve the book on http://127.0.0.1:8000/ (search needs a server)
#   make pdf      the whole book as a PDF with xelatex -> _build/latex/cnnbook.pdf (then
#                 `make book` links it from every page's download menu)
#   make archive  the download "下载全部笔记本" -> _build/cnnbook-notebooks.zip (make book
#                 also writes it into the HTML)
#   make favicon  redraw _static/favicon.ico
#   make test     run every test (unit tests, nbval over all chapters, build + browser checks)
#   make test-durations  make test, and re-measure tests/group_durations.json (its order)
#   make execute  re-run every notebook in place (NB="chapters/02_*.ipynb" for some)
#   make sync     regenerate the package modules saved from chapters (# @save cells)
#   make figures  regenerate images/ from tools/figures/*.py
#   make zoo      train the model zoo (data/zoo/; MODELS="resnet vgg" for some; hours on a CPU)
#   make bench    benchmarks (a script that prints ratios, not a test)
#   make lab      open the chapters in JupyterLab with the book's kernel (NB=chapters/06_*.ipynb opens one)
#   make clean    remove build outputs; make distclean also removes .venv
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

.PHONY: venv book serve pdf archive favicon test test-durations execute sync figures zoo bench lab clean distclean

# The packages are installed with uv (a pip-compatible installer from PyPI): it
# resolves the same versions as pip and installs them faster, from its cache after
# the first time.  INSTALLER=pip uses pip alone.
#
# Bytecode (.pyc): uv does not compile at install time (pip does, every module:
# here that took 29 s and 55 CPU-s of a clean `make test`).  Python writes a
# module's .pyc the first time it is imported, so only the modules the book uses
# are compiled, once -- unless PYTHONDONTWRITEBYTECODE is set (some machines and
# container images set it): then every kernel and worker would compile
# TensorFlow's 3,400 modules again, about 16 CPU-s each, and `make test` would
# take half as long again.  So make's commands do not pass it on.  The .pyc files
# go where Python puts them (__pycache__, ignored by git, the archive and the
# wheel).
unexport PYTHONDONTWRITEBYTECODE
INSTALLER ?= uv
ifeq ($(INSTALLER),uv)
BOOTSTRAP := "uv>=0.9,<1"
INSTALL := $(BIN)/uv pip install --quiet --python $(BIN)/python
else
BOOTSTRAP :=
INSTALL := $(BIN)/python -m pip install --quiet
endif

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip $(BOOTSTRAP)
	$(INSTALL) -r requirements.txt
	$(INSTALL) --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "书已构建：$(CURDIR)/_build/html/index.html"

pdf: $(STAMP)
	$(BIN)/python tools/build_pdf.py

archive: $(STAMP)
	$(BIN)/python tools/make_archive.py

favicon: $(STAMP)
	$(BIN)/python tools/favicon.py

serve: book
	$(BIN)/python tools/serve_book.py --open

# make test runs on every core (pytest-xdist; conftest.py keeps a notebook's cells, the
# book build and each module's fixtures on one worker); TEST_WORKERS=0 runs serially,
# PYTEST_ARGS="--durations=30" adds options.
TEST_WORKERS ?= auto
PYTEST_ARGS ?=
RUN_TESTS = $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS) --nbval tests chapters
test: $(STAMP)
	$(RUN_TESTS)

# the same run, which also measures each test group's seconds into
# tests/group_durations.json: make test hands out the longest groups first
test-durations: $(STAMP)
	CNNBOOK_GROUP_DURATIONS=tests/group_durations.json $(RUN_TESTS)

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NB)
	$(BIN)/python tools/sync_package.py

sync: $(STAMP)
	$(BIN)/python tools/sync_package.py

figures: $(STAMP)
	for f in tools/figures/*.py; do $(BIN)/python $$f || exit 1; done

zoo: $(STAMP)
	$(BIN)/python tools/zoo.py $(MODELS)

bench: $(STAMP)
	$(BIN)/python tools/bench.py

# JupyterLab is not in requirements.txt (42 more packages, about 70 MB, that CI and
# `make book` do not need): the first `make lab` installs it into .venv.  The kernel is
# .venv's own "python3" (the name stored in every chapter); JUPYTER_PREFER_ENV_PATH
# makes .venv's kernel folder win over a "python3" kernel in the user's home (as root, e.g.
# in a container, JupyterLab refuses to start without --allow-root).
LAB_REQUIREMENT := jupyterlab>=4,<5
lab: $(STAMP)
	test -x $(BIN)/jupyter-lab || $(INSTALL) "$(LAB_REQUIREMENT)"
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter-lab $(if $(filter 0,$(shell id -u)),--allow-root) $(or $(NB),chapters)

clean:
	rm -rf _build .pytest_cache .hypothesis

distclean: clean
	rm -rf $(VENV)
