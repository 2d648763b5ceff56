##@ Accounting API contract (OpenAPI subset) and sandbox API

OPENAPI_FULL_SPEC ?= $(SHARED_DIR)/reference/sevdesk-openapi.yaml
OPENAPI_CUT = $(PY) -m openapi_subset cut --spec $(OPENAPI_FULL_SPEC) \
  --selection openapi/selection.yaml --out-dir openapi --label openapi/selection.yaml
SANDBOX_PORT ?= 8780
SANDBOX_DB ?= .devstack/sandbox.db
SANDBOX_TOKEN ?= sandbox-dev-token

.PHONY: openapi-full-spec
openapi-full-spec: ## Check the full vendor spec is where the cutter looks for it (SHARED_DIR)
	@test -f $(OPENAPI_FULL_SPEC) || { echo "the full vendor spec is missing: $(OPENAPI_FULL_SPEC) (set SHARED_DIR or OPENAPI_FULL_SPEC)"; exit 2; }

.PHONY: openapi
openapi: bootstrap openapi-full-spec ## Regenerate openapi/accounting.json + accounting.gateway.json from the full spec, then lint the Gateway view
	$(OPENAPI_CUT)
	$(PY) -m openapi_subset lint openapi/accounting.gateway.json

.PHONY: openapi-check
openapi-check: bootstrap openapi-full-spec ## Fail if the checked-in views are stale or the Gateway view breaks a Gateway constraint
	$(OPENAPI_CUT) --check
	$(PY) -m openapi_subset lint openapi/accounting.gateway.json

.PHONY: openapi-lint
openapi-lint: bootstrap ## Lint specs against the AgentCore Gateway constraints [SPEC=path, default the Gateway view]
	$(PY) -m openapi_subset lint $(or $(SPEC),openapi/accounting.gateway.json)

.PHONY: sandbox
sandbox: bootstrap ## Run the sandbox accounting API on 127.0.0.1:8780 until Ctrl-C [SANDBOX_PORT=, SANDBOX_TOKEN=]
	$(PY) -m devstack.sandbox --port $(SANDBOX_PORT) --db $(SANDBOX_DB) --token $(SANDBOX_TOKEN) --faults

.PHONY: test-openapi
test-openapi: bootstrap ## Run the cutter, lint and contract tests (sandbox vs subset with schemathesis)
	$(VENV)/bin/pytest openapi/tests devstack/tests/test_sandbox_*.py $(PYTEST_ARGS)

.PHONY: bench-sandbox
bench-sandbox: bootstrap ## Print sandbox start-up times (target: under 2 s) and request latencies
	$(PY) bench/bench_sandbox_startup.py
