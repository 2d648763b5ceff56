"""Local IoT Core: mosquitto with mutual TLS and per-thing ACLs, a Device Shadow service and the
iot-data REST API, so the bridge and the Lambda run unmodified against it."""

from devstack.iot_core.core import LocalIotCore

__all__ = ["LocalIotCore"]
