"""The bridge over real MQTT (mosquitto, mutual TLS, ACLs) and the local shadow service."""

from __future__ import annotations

import pytest
from smarthome_contract import naming

pytestmark = pytest.mark.slow


async def test_connect_reports_device_and_presence(
    bridge_settings, running_bridge, shadows, eventually
) -> None:
    settings = bridge_settings()
    thing = settings.thing_name
    async with running_bridge(settings):
        reported = await eventually(lambda: shadows.reported(thing, "bulb-1"), what="report")
        presence = await eventually(
            lambda: shadows.reported(thing, naming.presence_shadow_name()).get("connected"),
            what="connected",
        )
    assert presence is True
    assert reported["name"] == "Bedroom"
    assert reported["reachable"] is True
    assert reported["capabilities"]["color_temp"] == {"min_kelvin": 2500, "max_kelvin": 6500}
    # A clean stop says "disconnected" itself (no last will on a normal disconnect).
    offline = shadows.reported(thing, naming.presence_shadow_name())
    assert offline["connected"] is False
    assert offline["disconnected_at"] >= offline["connected_at"]


async def test_delta_drives_the_bulb_and_clears_desired(
    bridge_settings, running_bridge, shadows, eventually
) -> None:
    settings = bridge_settings()
    thing = settings.thing_name
    async with running_bridge(settings) as registry:
        await eventually(lambda: shadows.reported(thing, "bulb-1"), what="first report")
        shadows.desire(thing, "bulb-1", {"on": True, "brightness": 25})
        await eventually(
            lambda: shadows.reported(thing, "bulb-1").get("brightness") == 25, what="applied"
        )
        bulb = registry["bulb-1"].transport  # type: ignore[attr-defined]
        assert (bulb.state["device_on"], bulb.state["brightness"]) == (True, 25)
        doc = await eventually(
            lambda: (d := shadows.get(thing, "bulb-1")) and not d["state"].get("desired") and d,
            what="desired cleared",
        )
    assert "delta" not in doc["state"]


async def test_command_stored_while_offline_applies_on_reconnect(
    bridge_settings, running_bridge, shadows, eventually
) -> None:
    settings = bridge_settings()
    thing = settings.thing_name
    async with running_bridge(settings):
        await eventually(lambda: shadows.reported(thing, "bulb-1"), what="first report")
    shadows.desire(thing, "bulb-1", {"on": True, "color_temp": 5000})
    async with running_bridge(settings):
        reported = await eventually(
            lambda: (r := shadows.reported(thing, "bulb-1")).get("color_temp") == 5000 and r,
            what="stored command applied",
        )
    assert reported["on"] is True


async def test_wall_switch_change_is_reported_and_wins(
    bridge_settings, running_bridge, shadows, eventually
) -> None:
    settings = bridge_settings(poll_seconds=0.2)
    thing = settings.thing_name
    async with running_bridge(settings) as registry:
        await eventually(lambda: shadows.reported(thing, "bulb-1"), what="first report")
        shadows.desire(thing, "bulb-1", {"on": True})
        await eventually(lambda: shadows.reported(thing, "bulb-1").get("on") is True)
        registry["bulb-1"].transport.state["device_on"] = False  # type: ignore[attr-defined]
        await eventually(
            lambda: shadows.reported(thing, "bulb-1").get("on") is False, what="switch seen"
        )
        doc = shadows.get(thing, "bulb-1")
    assert doc is not None
    assert not doc["state"].get("desired")  # no stale wish turns it back on


async def test_unreachable_bulb_is_reported_and_command_applies_when_back(
    bridge_settings, running_bridge, shadows, eventually
) -> None:
    settings = bridge_settings(poll_seconds=0.2)
    thing = settings.thing_name
    async with running_bridge(settings) as registry:
        await eventually(lambda: shadows.reported(thing, "bulb-1"), what="first report")
        bulb = registry["bulb-1"].transport  # type: ignore[attr-defined]
        bulb.reachable = False
        shadows.desire(thing, "bulb-1", {"on": True})
        reported = await eventually(
            lambda: (r := shadows.reported(thing, "bulb-1")).get("reachable") is False and r,
            what="unreachable reported",
        )
        assert "unreachable" in reported["error"]
        bulb.reachable = True
        await eventually(
            lambda: shadows.reported(thing, "bulb-1").get("on") is True, what="applied when back"
        )
        assert bulb.state["device_on"] is True


async def test_broker_restart_reconnects_and_resyncs(
    iot_core, bridge_settings, running_bridge, shadows, eventually
) -> None:
    settings = bridge_settings()
    thing = settings.thing_name
    async with running_bridge(settings):
        await eventually(lambda: shadows.reported(thing, "bulb-1"), what="first report")
        iot_core.stop_broker()
        # Written while the broker is down (REST still answers): delivered by the resync.
        shadows.desire(thing, "bulb-1", {"on": True, "brightness": 60})
        iot_core.start_broker()
        await eventually(
            lambda: shadows.reported(thing, "bulb-1").get("brightness") == 60,
            within=20,
            what="resync after broker restart",
        )


async def test_refused_command_is_reported_and_dropped(
    bridge_settings, running_bridge, shadows, eventually
) -> None:
    settings = bridge_settings()
    thing = settings.thing_name
    async with running_bridge(settings):
        await eventually(lambda: shadows.reported(thing, "bulb-1"), what="first report")
        shadows.desire(thing, "bulb-1", {"color_temp": 9000})  # outside the bulb's 2500-6500 K
        doc = await eventually(
            lambda: (d := shadows.get(thing, "bulb-1"))
            and "between 2500 and 6500" in (d["state"]["reported"].get("error") or "")
            and d,
            what="refusal reported",
        )
    assert not doc["state"].get("desired")  # not retried forever
    assert doc["state"]["reported"]["color_temp"] == 2700


async def test_heartbeat_keeps_presence_fresh(
    bridge_settings, running_bridge, shadows, eventually, monkeypatch
) -> None:
    # The interval is a contract value; the one dev/test override is the bridge's and the
    # Lambda's alike (the configuration's own heartbeat_seconds is ignored).
    monkeypatch.setenv("SMARTHOME_HEARTBEAT_SECONDS", "0.2")
    settings = bridge_settings(heartbeat_seconds=60)
    thing = settings.thing_name
    presence = naming.presence_shadow_name()
    async with running_bridge(settings):
        first = await eventually(
            lambda: shadows.reported(thing, presence).get("heartbeat_at"), what="first beat"
        )
        later = await eventually(
            lambda: (h := shadows.reported(thing, presence).get("heartbeat_at")) > first and h,
            within=5,
            what="a later heartbeat",
        )
    assert later > first
