"""A simulated TAPO L530 bulb: python-kasa's real SmartDevice over an in-memory transport.

Only the wire encryption is replaced; python-kasa's protocol batching, error mapping, device and
modules run for real. The transport's ``state`` can be changed from outside (a "wall switch") and
``reachable`` switched off to act out a bulb that dropped off the Wi-Fi.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from kasa import (
    Credentials,
    Device,
    DeviceConfig,
    DeviceConnectionParameters,
    DeviceEncryptionType,
    DeviceFamily,
)
from kasa.protocols import SmartProtocol
from kasa.smart import SmartDevice
from kasa.transports import BaseTransport

from home_bridge.devices.kasa_light import Connector, KasaLight

UNKNOWN_METHOD = -1002  # what a real bulb answers for a method it does not know

COMPONENTS = [
    {"id": "device", "ver_code": 2},
    {"id": "brightness", "ver_code": 1},
    {"id": "color_temperature", "ver_code": 1},
]


class FakeTapoTransport(BaseTransport):
    """Answers SMART requests from an in-memory bulb state."""

    def __init__(
        self,
        config: DeviceConfig,
        *,
        nickname: str = "Simulated bulb",
        state_file: Path | None = None,
    ) -> None:
        super().__init__(config=config)
        self.device_config = config
        self.state_file = state_file
        self.reachable = True
        self.requests = 0
        self.state: dict[str, Any] = {
            "device_id": "SIMULATED0000000000000000000000000000001",
            "type": "SMART.TAPOBULB",
            "model": "L530",
            "hw_ver": "3.0",
            "fw_ver": "1.1.0 Build 230721 Rel.224802",
            "mac": "00-00-5E-00-53-01",
            "nickname": base64.b64encode(nickname.encode()).decode(),
            "device_on": False,
            "brightness": 50,
            "color_temp": 2700,
            "color_temp_range": [2500, 6500],
            "hue": 0,
            "saturation": 100,
            "overheated": False,
            "lang": "en_US",
            "region": "Europe/Berlin",
            "time_diff": 60,
            "rssi": -50,
            "signal_level": 3,
            "ip": config.host,
        }
        if state_file is not None and state_file.exists():
            self.state.update(json.loads(state_file.read_text()))

    @property
    def default_port(self) -> int:
        return 80

    @property
    def credentials_hash(self) -> str | None:
        return None

    async def send(self, request: str) -> dict[str, Any]:
        self.requests += 1
        if not self.reachable:
            raise ConnectionRefusedError(f"simulated bulb {self._host} is unreachable")
        body = json.loads(request)
        if body["method"] == "multipleRequest":
            answers = [
                self._answer(r["method"], r.get("params")) for r in body["params"]["requests"]
            ]
            return {"error_code": 0, "result": {"responses": answers}}
        return self._answer(body["method"], body.get("params"))

    async def close(self) -> None:
        return None

    async def reset(self) -> None:
        return None

    def _save(self) -> None:
        # Like a real bulb, the simulated one keeps its state when the bridge restarts.
        if self.state_file is not None:
            keys = ("device_on", "brightness", "color_temp")
            self.state_file.write_text(json.dumps({k: self.state[k] for k in keys}))

    def _answer(self, method: str, params: dict[str, Any] | None) -> dict[str, Any]:
        result: dict[str, Any]
        if method == "component_nego":
            result = {"component_list": COMPONENTS}
        elif method == "get_device_info":
            result = dict(self.state)
        elif method == "set_device_info":
            self.state.update(params or {})
            self._save()
            result = {}
        elif method == "get_connect_cloud_state":
            result = {"status": 0}
        else:
            return {"method": method, "error_code": UNKNOWN_METHOD}
        return {"method": method, "error_code": 0, "result": result}


def simulated_config(host: str) -> DeviceConfig:
    """The connection parameters a TAPO bulb has (the transport ignores the credentials)."""
    return DeviceConfig(
        host=host,
        credentials=Credentials("simulated", "simulated"),
        connection_type=DeviceConnectionParameters(
            DeviceFamily.SmartTapoBulb, DeviceEncryptionType.Klap
        ),
    )


def simulated_connector(transport: FakeTapoTransport) -> Connector:
    """A connector that builds python-kasa's SmartDevice over ``transport``."""

    async def connect() -> Device:
        config = transport.device_config
        device = SmartDevice(
            config.host, config=config, protocol=SmartProtocol(transport=transport)
        )
        await device.update()
        return device

    return connect


class SimulatedLight(KasaLight):
    """A :class:`KasaLight` over its own :class:`FakeTapoTransport`, kept as ``transport``."""

    def __init__(
        self, device_id: str, name: str, host: str = "127.0.0.1", state_file: Path | None = None
    ) -> None:
        self.transport = FakeTapoTransport(
            simulated_config(host), nickname=name, state_file=state_file
        )
        super().__init__(device_id, name, simulated_connector(self.transport))
