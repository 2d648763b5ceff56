##@ Gateway interceptor

INTERCEPTOR_ZIP := build/gateway_interceptor.zip

build: build-interceptor

.PHONY: build-interceptor
build-interceptor: bootstrap ## Build build/gateway_interceptor.zip for the arm64 interceptor Lambda (aarch64 wheels from uv.lock)
	UV=$(UV) $(PY) scripts/build_lambda_zip.py --package gateway-interceptor --out $(INTERCEPTOR_ZIP)

.PHONY: test-interceptor
test-interceptor: bootstrap ## Run the interceptor's tests (real RS256 tokens, every refusal and visibility rule)
	$(VENV)/bin/pytest services/gateway_interceptor/tests packages/gateway_contract/tests $(PYTEST_ARGS)
