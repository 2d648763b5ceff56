"""Configuration file, environment overrides, the device registry and the CLI's key commands."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from home_bridge import keys
from home_bridge.cli import main
from home_bridge.devices.kasa_light import KasaLight
from home_bridge.devices.simulated import SimulatedLight
from home_bridge.registry import ConfigError, Registry
from home_bridge.settings import BridgeSettings
from pydantic import ValidationError

CONFIG = """
thing_name = "home-berlin"
endpoint = "abc123-ats.iot.eu-central-1.amazonaws.com"
cert_file = "keys/bridge.crt"
key_file = "keys/bridge.key"
ca_file = "keys/AmazonRootCA1.pem"

[[devices]]
id = "bedroom"
name = "Bedroom"
driver = "tapo"
host = "192.168.1.50"

[[devices]]
id = "demo"
name = "Demo bulb"
driver = "simulated"
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "bridge.toml"
    path.write_text(CONFIG)
    return path


def test_file_paths_are_relative_to_the_file(config_file: Path) -> None:
    settings = BridgeSettings.from_file(config_file)
    assert settings.cert_file == config_file.parent / "keys" / "bridge.crt"
    assert settings.port == 8883
    assert [d.id for d in settings.devices] == ["bedroom", "demo"]


def test_environment_overrides_the_file(config_file: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME_BRIDGE_POLL_SECONDS", "5")
    monkeypatch.setenv("HOME_BRIDGE_TAPO_PASSWORD", "s3cret")
    settings = BridgeSettings.from_file(config_file)
    assert settings.poll_seconds == 5
    assert settings.tapo_password is not None
    assert "s3cret" not in repr(settings)


def test_invalid_names_are_rejected(config_file: Path) -> None:
    with pytest.raises(ValidationError, match="invalid thing name"):
        BridgeSettings.from_file(config_file, thing_name="home/berlin")
    with pytest.raises(ValidationError, match="invalid device id"):
        BridgeSettings.from_file(
            config_file, devices=[{"id": "a b", "name": "x", "driver": "tapo"}]
        )


def test_registry_builds_drivers_and_needs_tapo_credentials(config_file: Path, monkeypatch) -> None:
    with pytest.raises(ConfigError, match="HOME_BRIDGE_TAPO_USERNAME"):
        Registry.from_settings(BridgeSettings.from_file(config_file))
    monkeypatch.setenv("HOME_BRIDGE_TAPO_USERNAME", "me@example.com")
    monkeypatch.setenv("HOME_BRIDGE_TAPO_PASSWORD", "pw")
    registry = Registry.from_settings(BridgeSettings.from_file(config_file))
    devices = list(registry)
    assert isinstance(devices[0], KasaLight)
    assert isinstance(devices[1], SimulatedLight)


def test_duplicate_device_ids_are_rejected() -> None:
    with pytest.raises(ConfigError, match="unique"):
        Registry([SimulatedLight("a", "A"), SimulatedLight("a", "B")])


def test_keygen_keeps_the_key_private_and_makes_a_csr(tmp_path: Path, capsys) -> None:
    assert main(["keygen", "--dir", str(tmp_path / "k"), "--thing", "home-berlin"]) == 0
    key = tmp_path / "k" / "bridge.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    csr = x509.load_pem_x509_csr(capsys.readouterr().out.encode())
    assert csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "home-berlin"
    assert csr.is_signature_valid
    # Never overwrite a key that may back a live certificate.
    assert main(["keygen", "--dir", str(tmp_path / "k"), "--thing", "home-berlin"]) == 1


def test_rotation_promotes_next_only_with_its_own_certificate(tmp_path: Path) -> None:
    from devstack.iot_core import LocalIotCore

    ca = LocalIotCore(tmp_path / "ca")  # only its CA is used: sign_csr needs no broker
    keys.generate(tmp_path, "home-berlin")
    next_csr = keys.generate(tmp_path, "home-berlin", slot=keys.NEXT)
    current_cert = ca.sign_csr("home-berlin", (tmp_path / "bridge.csr").read_bytes())
    (tmp_path / "bridge.crt").write_bytes(current_cert)
    # A certificate for the wrong key is refused.
    (tmp_path / "next.crt").write_bytes(current_cert)
    assert main(["rotate", "--dir", str(tmp_path)]) == 1
    next_cert = ca.sign_csr("home-berlin", next_csr.read_bytes())
    (tmp_path / "next.crt").write_bytes(next_cert)
    old_key = (tmp_path / "bridge.key").read_bytes()
    assert main(["rotate", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / "bridge.crt").read_bytes() == next_cert
    assert (tmp_path / "previous.key").read_bytes() == old_key
    assert not (tmp_path / "next.key").exists()
