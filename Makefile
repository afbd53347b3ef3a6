# 《卷积神经网络：TensorFlow/Keras 实战》
#   make book     build the HTML book  -> _build/html/index.html
#   make serve    build, then serve the book on http://127.0.0.1:8000/ (search needs a server)
#   make test     run every test (unit tests, nbval over all chapters, build + browser checks)
#   make execute  re-run every notebook in place (NB="chapters/02_*.ipynb" for some)
#   make sync     regenerate the package modules saved from chapters (# @save cells)
#   make figures  regenerate images/ from tools/figures/*.py
#   make zoo      train the model zoo (data/zoo/; MODELS="resnet vgg" for some; hours on a CPU)
#   make bench    benchmarks (a script that prints ratios, not a test)
#   make clean    remove build outputs; make distclean also removes .venv
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

.PHONY: venv book serve test execute sync figures zoo bench clean distclean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "书已构建：$(CURDIR)/_build/html/index.html"

serve: book
	$(BIN)/python tools/serve_book.py --open

test: $(STAMP)
	$(BIN)/python -m pytest --nbval tests chapters

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

clean:
	rm -rf _build .pytest_cache .hypothesis

distclean: clean
	rm -rf $(VENV)
