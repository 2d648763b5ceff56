"""The bridge's TOML configuration for the local IoT Core, as an installer would write it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w

from devstack.supervisor.settings import StackSettings

# An address with no bulb: the bridge's connection is refused at once, so it reports the device
# as unreachable (what a bulb that dropped off the Wi-Fi looks like).
NOWHERE_HOST = "127.0.0.1"


def bridge_config(
    settings: StackSettings, *, mqtt_port: int, ca_file: Path, cert_file: Path, key_file: Path
) -> dict[str, Any]:
    """The configuration document; credentials of a real bulb stay in the environment."""
    if settings.real_bulb:
        bulb: dict[str, Any] = {"driver": "tapo", "host": settings.bulb_host}
    else:
        bulb = {"driver": "simulated"}
    devices = [{"id": settings.bulb_id, "name": settings.bulb_name, **bulb}]
    devices += [
        {"id": device, "name": device, "driver": "tapo", "host": NOWHERE_HOST}
        for device in settings.unreachable_devices
    ]
    return {
        "thing_name": settings.thing_name,
        "endpoint": "localhost",
        "port": mqtt_port,
        "ca_file": str(ca_file),
        "cert_file": str(cert_file),
        "key_file": str(key_file),
        "heartbeat_seconds": settings.heartbeat_seconds,
        "poll_seconds": settings.poll_seconds,
        # Reconnect quickly: fault tests restart the broker and wait for the bridge.
        "min_reconnect_seconds": 0.5,
        "max_reconnect_seconds": 2.0,
        "devices": devices,
    }


def bridge_env(settings: StackSettings) -> dict[str, str]:
    """Secrets for the tapo driver, passed as the bridge expects them (never in the file)."""
    if settings.real_bulb and settings.tapo_username and settings.tapo_password:
        return {
            "HOME_BRIDGE_TAPO_USERNAME": settings.tapo_username,
            "HOME_BRIDGE_TAPO_PASSWORD": settings.tapo_password.get_secret_value(),
        }
    if settings.unreachable_devices:
        # The unreachable stand-ins use the tapo driver, which wants an account to try with.
        return {"HOME_BRIDGE_TAPO_USERNAME": "nobody", "HOME_BRIDGE_TAPO_PASSWORD": "nothing"}
    return {}


def write_bridge_config(path: Path, document: dict[str, Any]) -> Path:
    """Write the TOML file (0600: it names the key file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path
