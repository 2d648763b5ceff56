##@ Local development

.PHONY: dev
dev: bootstrap ## Start the whole system on this machine (sandbox API, local IoT Core, bridge, runtime, gateway)
	@echo "make dev will start, on localhost: the sandbox accounting API, the local IoT Core (mosquitto +"
	@echo "shadow service + iot-data REST), home_bridge with a simulated bulb, mcp_runtime (HTTP) and the"
	@echo "local gateway. It lands with the 'make dev' issue; until then run the pieces' own targets."
