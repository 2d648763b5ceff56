##@ Smart home (Lambda, bridge)

LAMBDA_ZIP := build/iot_lambda.zip
BRIDGE_DIST := build/home_bridge

build: build-lambda build-bridge

.PHONY: tools-json
tools-json: bootstrap ## Regenerate packages/smarthome_contract/.../tools.json from the tool table (tools.py)
	$(PY) -m smarthome_contract.tools_gen

.PHONY: tools-json-check
tools-json-check: bootstrap ## Fail if tools.json is stale (someone changed a model or description)
	$(PY) -m smarthome_contract.tools_gen --check

.PHONY: build-lambda
build-lambda: bootstrap ## Build build/iot_lambda.zip for the arm64 Lambda (aarch64 wheels from uv.lock)
	UV=$(UV) $(PY) scripts/build_lambda_zip.py --package iot-lambda --out $(LAMBDA_ZIP)

.PHONY: build-bridge
build-bridge: bootstrap ## Build the home_bridge and smarthome_contract wheels into build/home_bridge/
	$(UV) build --package home-bridge --wheel --out-dir $(BRIDGE_DIST)
	$(UV) build --package smarthome-contract --wheel --out-dir $(BRIDGE_DIST)

.PHONY: test-smart-home
test-smart-home: bootstrap ## Run the smart-home tests (contract, Lambda, bridge, smart_home Terraform)
	$(VENV)/bin/pytest packages/smarthome_contract/tests services/iot_lambda/tests \
	  services/home_bridge/tests terraform/tests/test_smart_home.py $(PYTEST_ARGS)

.PHONY: bench-smart-home
bench-smart-home: bootstrap ## Print Lambda cold import/zip size and bridge latency/memory figures
	$(PY) bench/bench_iot_lambda.py
	$(PY) bench/bench_home_bridge.py
