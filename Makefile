# Edge–cloud LLM serving research workspace. `make` (or `make help`) lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PARAMS ?= params/default.yaml
STAMP := $(VENV)/.installed
UI_PORT ?= 5000

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  make /'

## sysdeps: Debian packages: CJK fonts (figures), chromium (06_e2e), TeX Live + ctex and pandoc (the thesis, PDF and Word); a note when not root
sysdeps:
	@bash scripts/install_system_deps.sh

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml scripts/fetch_gguf_converter.sh scripts/install_llama_cpp.sh
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	bash scripts/install_llama_cpp.sh $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	bash scripts/fetch_gguf_converter.sh $(VENV)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name edgecloud --display-name "Python (edgecloud)" >/dev/null
	touch $(STAMP)

## venv: create .venv with the pinned dependencies and register the "edgecloud" Jupyter kernel
venv: $(STAMP)

BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): benchmarks/requirements-litellm.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements-litellm.txt
	touch $(BENCH_STAMP)

## bench-venv: a separate .venv-bench with LiteLLM's proxy (benchmarks/requirements-litellm.txt) for benchmarks/gateway_overhead.py; .venv is not touched
bench-venv: $(BENCH_STAMP)

## run: run every notebook in order with PARAMS (default params/default.yaml; PARAMS=params/smoke.yaml is small)
run: sysdeps venv
	$(PY) -m edgecloud run --params $(PARAMS)

## serve: keep the stack of PARAMS' trained run up (chat page, OpenAI endpoint on 127.0.0.1) until Ctrl-C; SET="k=v ..." adds --set options
serve: sysdeps venv
	$(PY) -m edgecloud serve --params $(PARAMS) $(foreach kv,$(SET),--set $(kv))

## publish: copy figures, tables and number macros of PARAMS' run into the thesis (publish.thesis_dir), compile it and build its Word version
publish: sysdeps venv
	$(PY) -m edgecloud publish --params $(PARAMS)

## lint: ruff check and ruff format --check (rules in pyproject.toml); make test runs it first
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## format: ruff format the tree, then re-sync the paired notebooks (.py -> .ipynb, outputs kept)
format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/jupytext --sync notebooks/0*.py

## test: ruff check, then pytest (unit + integration) and nbval on the notebooks, smoke profile
test: sysdeps venv lint
	$(PY) -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

## test-fast: pytest without the tests marked integration (no model, training, deploy, notebook or browser)
test-fast: sysdeps venv
	$(PY) -m pytest -m "not integration" tests -p no:cacheprovider

## lab: open JupyterLab on the workspace with the venv's kernel (127.0.0.1 only)
lab: sysdeps venv
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root,)

## ui: the experiment tracker's UI (MLflow) on http://127.0.0.1:$(UI_PORT)/ over the runs' store (outputs/mlflow.db, or MLFLOW_TRACKING_URI)
ui: venv
	$(PY) -m edgecloud ui --port $(UI_PORT)

## compare: RUNS="runA runB" side by side (params that differ, key numbers, loss and routing curves) into figures/<runA>/
compare: venv
	$(PY) -m edgecloud compare $(RUNS)

## notebooks: re-pair notebooks/*.ipynb with their py:percent sources after editing either
notebooks: venv
	$(VENV)/bin/jupytext --sync notebooks/[0-9]*.py

## clean: remove run outputs and generated figures (keeps .venv, the converted model cache and the experiment tracker's store)
clean:
	find outputs -mindepth 1 -maxdepth 1 ! -name models ! -name mlflow.db ! -name mlruns ! -name .gitkeep -exec rm -rf {} +
	find figures -mindepth 1 ! -name .gitkeep -exec rm -rf {} +

.PHONY: help sysdeps venv bench-venv run serve publish lint format test test-fast lab ui compare notebooks clean
