##@ Local IoT Core (mosquitto + Device Shadow service + iot-data REST)

IOT_CORE_STATE ?= .devstack/iot_core
IOT_CORE_MQTT_PORT ?= 8883
IOT_CORE_REST_PORT ?= 8443
IOT_CORE_THINGS ?=

.PHONY: iot-core
iot-core: bootstrap mosquitto ## Run the local IoT Core until Ctrl-C [IOT_CORE_THINGS="pi-1" issues thing certificates]
	$(PY) -m devstack.iot_core --state-dir $(IOT_CORE_STATE) \
	  --mqtt-port $(IOT_CORE_MQTT_PORT) --rest-port $(IOT_CORE_REST_PORT) \
	  $(foreach thing,$(IOT_CORE_THINGS),--thing $(thing))

.PHONY: test-iot-core
test-iot-core: bootstrap mosquitto ## Run the local IoT Core tests (naming rules, shadow conformance vs moto, MQTT, CLI, TCP_NODELAY)
	$(VENV)/bin/pytest packages/smarthome_contract/tests/test_naming.py devstack/tests/test_iot_core_*.py $(PYTEST_ARGS)

.PHONY: bench-iot-core
bench-iot-core: bootstrap mosquitto ## Print local IoT Core start/stop times and shadow latencies
	$(PY) bench/bench_iot_core_startup.py
	$(PY) bench/bench_iot_core_shadow.py

OUTAGE_CYCLES ?= 20
SOAK_EXAMPLES ?= 100
SOAK_STEPS ?= 25

.PHONY: bench-outage
bench-outage: bootstrap mosquitto ## Random outage cycles through the real bridge and Lambda: sent / applied / lost / false "done" [OUTAGE_CYCLES=20]
	$(PY) bench/bench_outage.py --cycles $(OUTAGE_CYCLES)

.PHONY: soak
soak: bootstrap mosquitto ## The randomised outage test's long profile (no per-test timeout), then the outage bench [SOAK_EXAMPLES=100 SOAK_STEPS=25]
	SMARTHOME_OUTAGE_PROFILE=soak SMARTHOME_SOAK_EXAMPLES=$(SOAK_EXAMPLES) SMARTHOME_SOAK_STEPS=$(SOAK_STEPS) \
	  $(VENV)/bin/pytest services/home_bridge/tests/test_home_bridge_outage_stateful.py --timeout=0 -q $(PYTEST_ARGS)
	$(PY) bench/bench_outage.py --cycles $$(( $(OUTAGE_CYCLES) * 5 ))
