# ndflow developer tasks (GNU make). Needs only python3 >= 3.10 and pip.
#
#   make demo    install ndflow with matplotlib in .venv, then train the course's first
#                network (examples/demo.py): test accuracy and a training-curve PNG
#   make test    test install in .venv, ruff, then the whole pytest suite
#   make lint    ruff only
#   make bench   ndflow's own benchmarks (a fast subset of the peer benchmark, ndflow only)
#   make bench-peers   the peer benchmark: ndflow, Keras/TensorFlow and PyTorch interleaved,
#                in a separate .venv-peers; writes benchmarks/results/<date>.json and .png
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
# the peers live in their own environment: TensorFlow and PyTorch are several GB
PEERS_VENV ?= .venv-peers
PEERS_PY := $(PEERS_VENV)/bin/python
PEERS_STAMP := $(PEERS_VENV)/.installed-peers
# PyTorch's CPU-only wheels; the default ones pull in CUDA libraries (GBs more);
# TORCH_INDEX= (empty) uses only PyPI and pip's find-links
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
PEER_PACKAGES := 'tensorflow-cpu>=2.16' 'keras>=3' 'torch==2.13.0' 'matplotlib>=3.8'
# e.g. make bench-peers BENCH_ARGS="--workloads iris,mnist --repeats 5"
BENCH_ARGS ?=
DEMO_STAMP := $(VENV)/.installed-demo

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.PHONY: help demo test lint bench bench-peers clean distclean

help:
	@echo "make demo | test | lint | bench | bench-peers | clean | distclean   (PYTHON=$(PYTHON))"

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
	$(VPY) -m pip install -e '.[plot]'
	touch $@ $(BASE_STAMP)

$(PEERS_PY):
	$(PYTHON) -m venv $(PEERS_VENV)

$(PEERS_STAMP): pyproject.toml | $(PEERS_PY)
	$(PEERS_PY) -m pip install $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) \
		-e '.[bench]' $(PEER_PACKAGES)
	touch $@

demo: $(DEMO_STAMP)
	$(VPY) examples/demo.py

lint: $(TEST_STAMP)
	$(VPY) -m ruff check $(LINT_PATHS)

# one BLAS thread: the suite's matrices are small, and on a shared machine extra BLAS
# threads mostly wait for each other
test: lint
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VPY) -m pytest $(PYTEST_ARGS)

# ndflow with its limit rows (raw NumPy), printed only; the test install has scikit-learn
bench: $(TEST_STAMP)
	$(VPY) benchmarks/peers.py --no-save --frameworks ndflow,ndflow-eager,ndflow-pinn,numpy \
		--workloads import,op,op_tape,iris,mnist,pinn $(BENCH_ARGS)

bench-peers: $(PEERS_STAMP)
	$(PEERS_PY) benchmarks/peers.py $(BENCH_ARGS)

clean:
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis src/*.egg-info benchmarks/results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(PEERS_VENV)
