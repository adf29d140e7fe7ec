# ndflow developer tasks (GNU make). Needs only python3 >= 3.10 and pip.
#
#   make demo    install ndflow with matplotlib in .venv, then train the course's first
#                network (examples/demo.py): test accuracy and a training-curve PNG
#   make test    test install in .venv, ruff, then the whole pytest suite
#   make lint    ruff only
#   make bench   import-time and per-op overhead benchmarks against PyTorch and TensorFlow
#   make clean   remove caches and build output (distclean also removes .venv)
#
# `make PYTHON=python3.12 test` builds the virtual environment with another interpreter
# (remove .venv first if it already exists).

PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
PYTEST_ARGS ?=
LINT_PATHS := src tests benchmarks examples

# The extras installed into $(VENV); a stamp records each install, and re-running pip is
# needed whenever pyproject.toml changes.
BASE_STAMP := $(VENV)/.installed-base
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
DEMO_STAMP := $(VENV)/.installed-demo

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.PHONY: help demo test lint bench clean distclean

help:
	@echo "make demo | test | lint | bench | clean | distclean   (PYTHON=$(PYTHON))"

$(VPY):
	$(PYTHON) -m venv $(VENV)

$(BASE_STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install -e .
	touch $@

# The test install includes the base one, so it refreshes both stamps.
$(TEST_STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install -e '.[test]'
	touch $@ $(BASE_STAMP)

$(DEMO_STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install -e '.[demo]'
	touch $@ $(BASE_STAMP)

$(BENCH_STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install -e '.[bench]'
	touch $@

demo: $(DEMO_STAMP)
	$(VPY) examples/demo.py

lint: $(TEST_STAMP)
	$(VPY) -m ruff check $(LINT_PATHS)

# one BLAS thread: the suite's matrices are small, and on a shared machine extra BLAS
# threads mostly wait for each other
test: lint
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VPY) -m pytest $(PYTEST_ARGS)

bench: $(BENCH_STAMP)
	$(VPY) benchmarks/import_time.py
	$(VPY) benchmarks/op_overhead.py
	$(VPY) benchmarks/iris_fit.py

clean:
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis src/*.egg-info benchmarks/results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
