# The one entry point for people and pipelines. `make help` lists every target.
# Area-specific targets live in mk/*.mk (one file per area) and are included below.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ENV ?= dev
REPO_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
SHARED_DIR ?= $(abspath $(REPO_ROOT)/../shared)
CACHE_DIR := $(REPO_ROOT)/.cache
VENV := $(REPO_ROOT)/.venv
UV ?= $(shell command -v uv 2>/dev/null || echo $(CACHE_DIR)/uv/bin/uv)
PY := $(VENV)/bin/python
CHECKOV_VENV := $(CACHE_DIR)/checkov-venv
export SHARED_DIR CHECKPOINT_DISABLE := 1

##@ Everyday

.PHONY: help
help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*?## "} \
	  /^##@/ {printf "\n\033[1m%s\033[0m\n", substr($$0, 5)} \
	  /^[a-zA-Z0-9_.-]+:.*?## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: bootstrap
bootstrap: $(VENV)/.synced ## Create .venv and install every package and dev tool from uv.lock (idempotent)

$(UV):
	@echo "uv not found: installing it into $(CACHE_DIR)/uv"
	python3 -m venv $(CACHE_DIR)/uv && $(CACHE_DIR)/uv/bin/pip install --quiet 'uv==0.13.8'

$(VENV)/.synced: $(UV) uv.lock pyproject.toml $(wildcard services/*/pyproject.toml packages/*/pyproject.toml openapi/pyproject.toml devstack/pyproject.toml)
	$(UV) sync --locked --all-packages
	@touch $@

.PHONY: test
test: bootstrap test-tools ## Run lint and the whole test suite (Python, Terraform, contract, e2e) — what CI runs
	$(MAKE) lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: bench
bench: bootstrap mosquitto ## Run every benchmark in sequence; each prints its figures with baseline and ratio (BENCH_ARGS=--quick)
	$(PY) bench/run_all.py $(BENCH_ARGS)

.PHONY: tf-test
tf-test: bootstrap checkov-venv ## Terraform only: fmt, validate (both providers), plan/apply against moto, checkov
	$(VENV)/bin/pytest terraform/tests tests/test_repo_checkov.py $(PYTEST_ARGS)

.PHONY: test-tools
test-tools: checkov-venv mosquitto ## Install what the tests drive for real (checkov venv, mosquitto)

.PHONY: lint
lint: bootstrap ## ruff (lint + format check), mypy strict on src/, terraform fmt -check, actionlint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy services/*/src packages/*/src openapi/src devstack/src
	TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive terraform
	$(VENV)/bin/actionlint -ignore 'node20'

.PHONY: fmt
fmt: bootstrap ## Format Python (ruff) and Terraform (terraform fmt) in place
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	TF_CLI_CONFIG_FILE=/dev/null terraform fmt -recursive terraform

.PHONY: checkov
checkov: checkov-venv ## Scan terraform/ with checkov (offline; every skip carries a reason in the code)
	BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECKOV_VENV)/bin/checkov \
	  --config-file terraform/.checkov.yaml -d terraform

.PHONY: checkov-venv
checkov-venv: $(CHECKOV_VENV)/.installed ## Install checkov in its own venv (it pins an old boto3)

$(CHECKOV_VENV)/.installed: requirements/checkov.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/checkov.txt \
	  2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	@touch $@

.PHONY: mosquitto
mosquitto: ## Install the mosquitto broker when it is missing (apt-get as root; otherwise print how)
	@scripts/ensure-mosquitto

.PHONY: clean
clean: ## Remove build outputs, caches and scratch state (keeps .venv; `make distclean` drops it too)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .devstack
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find terraform -name .terraform -type d -prune -exec rm -rf {} +

.PHONY: distclean
distclean: clean ## clean, plus the virtualenvs and tool caches
	rm -rf $(VENV) $(CACHE_DIR)

-include $(sort $(wildcard mk/*.mk))
