"""A simulated TAPO L530 bulb: python-kasa's real SmartDevice over an in-memory transport.

Only the wire encryption is replaced; python-kasa's protocol batching, error mapping, device and
modules run for real. The transport answers SMART methods from a table of captured responses
(its own L530 by default; tests feed it python-kasa's captured device fixtures) and behaves like a
real bulb where it matters:

* ``set_device_info`` with a brightness or colour temperature but no ``device_on`` switches the
  bulb on, as a TAPO bulb does;
* ``reachable = False`` makes every request fail as an unreachable bulb's do (a connection error);
* ``failure`` is raised by every request as python-kasa's real transports raise theirs (a KLAP
  handshake that rejects the login raises ``AuthenticationError``, a silent bulb a timeout);
* ``method_errors`` answers chosen methods with a SMART error code (a refusal such as
  ``PARAMS_ERROR``, a retryable ``UNSPECIFIC_ERROR``).

With a ``state_file`` the bulb's physical state (on, brightness, colour temperature) lives in that
file: it survives bridge restarts, and a change written to it from outside is a wall switch.
"""

from __future__ import annotations

import base64
import copy
import json
import os
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
from kasa.exceptions import _ConnectionError
from kasa.protocols import SmartProtocol
from kasa.smart import SmartDevice
from kasa.transports import BaseTransport

from home_bridge.devices.kasa_light import Connector, KasaLight

SUCCESS = 0
UNKNOWN_METHOD = -1002  # what a real bulb answers for a method it does not know
DEVICE_INFO = "get_device_info"
# What a power cut, a wall switch or a restart must not lose: the bulb's physical state.
PHYSICAL_KEYS = ("device_on", "brightness", "color_temp")
_LEVEL_KEYS = ("brightness", "color_temp", "hue", "saturation")


def simulated_l530(nickname: str, host: str) -> dict[str, Any]:
    """Responses of a TAPO L530 (white and colour, dimmable, 2500-6500 K), switched off."""
    return {
        "component_nego": {
            "component_list": [
                {"id": "device", "ver_code": 2},
                {"id": "brightness", "ver_code": 1},
                {"id": "color_temperature", "ver_code": 1},
            ]
        },
        DEVICE_INFO: {
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
            "ip": host,
        },
        "get_connect_cloud_state": {"status": 0},
    }


class FakeTapoTransport(BaseTransport):
    """Answers SMART requests from a table of responses (``method -> result``)."""

    def __init__(
        self,
        config: DeviceConfig,
        *,
        responses: dict[str, Any] | None = None,
        nickname: str = "Simulated bulb",
        state_file: Path | None = None,
    ) -> None:
        super().__init__(config=config)
        self.device_config = config
        self.responses = copy.deepcopy(responses or simulated_l530(nickname, config.host))
        self.state_file = state_file
        self.reachable = True
        self.failure: Exception | None = None
        self.method_errors: dict[str, int] = {}
        self.requests = 0
        self._file_seen: str | None = None
        self._load()

    @property
    def state(self) -> dict[str, Any]:
        """The device info the bulb answers with (mutable: a "wall switch" for tests)."""
        info: dict[str, Any] = self.responses[DEVICE_INFO]
        return info

    @property
    def default_port(self) -> int:
        return 80

    @property
    def credentials_hash(self) -> str | None:
        return None

    async def send(self, request: str) -> dict[str, Any]:
        self.requests += 1
        if not self.reachable:
            # What python-kasa's HTTP client raises when the bulb does not answer.
            raise _ConnectionError(f"Device connection error: {self._host}: simulated outage")
        if self.failure is not None:
            raise self.failure
        self._load()
        body = json.loads(request)
        if body["method"] == "multipleRequest":
            answers = [
                self._answer(r["method"], r.get("params")) for r in body["params"]["requests"]
            ]
            return {"error_code": SUCCESS, "result": {"responses": answers}}
        return self._answer(body["method"], body.get("params"))

    async def close(self) -> None:
        return None

    async def reset(self) -> None:
        return None

    def _load(self) -> None:
        """Take the physical state from the file when it changed (a restart, a wall switch)."""
        if self.state_file is None or not self.state_file.exists():
            return
        text = self.state_file.read_text(encoding="utf-8")
        if text != self._file_seen:
            self._file_seen = text
            self.state.update(json.loads(text))

    def _save(self) -> None:
        if self.state_file is None:
            return
        # Replace, never rewrite in place: a reader must never see half a file.
        text = json.dumps({k: self.state[k] for k in PHYSICAL_KEYS})
        tmp = self.state_file.with_name(f".{self.state_file.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.state_file)
        self._file_seen = text

    def _answer(self, method: str, params: dict[str, Any] | None) -> dict[str, Any]:
        if method in self.method_errors:
            return {"method": method, "error_code": self.method_errors[method]}
        if method == "set_device_info":
            change = dict(params or {})
            if "device_on" not in change and any(k in change for k in _LEVEL_KEYS):
                change["device_on"] = True  # what a TAPO bulb does with a level while off
            self.state.update(change)
            self._save()
            return {"method": method, "error_code": SUCCESS, "result": {}}
        if method in self.responses and (method.startswith("get") or "nego" in method):
            return {"method": method, "error_code": SUCCESS, "result": self._result(method)}
        return {"method": method, "error_code": UNKNOWN_METHOD}

    def _result(self, method: str) -> Any:
        result = copy.deepcopy(self.responses[method])
        if isinstance(result, dict) and "start_index" in result and "sum" in result:
            # A paged list answered in one page, so python-kasa asks for no more.
            lists = [key for key, value in result.items() if isinstance(value, list)]
            if lists:
                result["sum"] = len(result[lists[0]])
        return result


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
        self,
        device_id: str,
        name: str,
        host: str = "127.0.0.1",
        state_file: Path | None = None,
        responses: dict[str, Any] | None = None,
    ) -> None:
        self.transport = FakeTapoTransport(
            simulated_config(host), responses=responses, nickname=name, state_file=state_file
        )
        super().__init__(device_id, name, simulated_connector(self.transport))
