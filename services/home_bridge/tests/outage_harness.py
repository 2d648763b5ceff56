"""Outage harness: the real bridge process on the local IoT Core, commanded through the real Lambda.

Test support for the outage tests and ``bench/bench_outage.py`` (not shipped with the bridge):

* :class:`BridgeProcess` - ``python -m home_bridge run`` with the simulated bulb, whose state file
  is the bulb's physical state; freeze (SIGSTOP), thaw (SIGCONT), kill (SIGKILL), start again;
* :class:`LambdaCaller` - ``iot_lambda.handler.handler`` called the way the Gateway calls it
  (context keys and caller argument from ``gateway_contract``), recording every desired document
  the Lambda writes, so a model knows exactly what each command asked for;
* :class:`Outcomes` - the bookkeeping of a run: what each key must end as (the last accepted
  command that set it), and the answers that were not true ("done" while the bulb was not so).

Timing knobs are one :class:`Tuning`; the same names are what the devstack passes to the bridge.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import tomli_w
from devstack.iot_core import LocalIotCore
from gateway_contract import rules as gateway_rules
from gateway_contract.caller import Caller
from smarthome_contract.shadow import COMMAND_ID_KEY, COMMAND_KEYS, DeviceShadow

REGION = "eu-central-1"
DEVICE = "bulb-1"
# The simulated L530's state when it is first switched on (``home_bridge.devices.simulated``).
INITIAL_BULB = {"on": False, "brightness": 50, "color_temp": 2700}
_BULB_FIELDS = {"on": "device_on", "brightness": "brightness", "color_temp": "color_temp"}
HOME_TARGET = "home"  # the smart-home Gateway target (C2)


@dataclass(frozen=True)
class Tuning:
    """How fast everything reacts; short for tests, the product's defaults are minutes."""

    command_wait_seconds: float = 1.0  # the Lambda's COMMAND_WAIT_SECONDS
    heartbeat_seconds: float = 1.0  # SMARTHOME_HEARTBEAT_SECONDS, bridge and Lambda alike
    poll_seconds: float = 1.0
    keep_alive_seconds: int = 2  # a frozen bridge is dropped (last will) after 3 s
    min_reconnect_seconds: float = 0.1
    max_reconnect_seconds: float = 1.0
    operation_timeout_seconds: int = 3
    settle_seconds: float = 40.0  # how long "everything up" may take to converge


def wait_until(
    condition: Callable[[], Any], within: float, what: str, interval: float = 0.05
) -> Any:
    """Poll ``condition`` until it is truthy; AssertionError with the last value at the deadline."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within} s (last: {value!r})")
        time.sleep(interval)


def iot_data_client(endpoint: str) -> Any:
    """boto3 ``iot-data`` on the local REST API, from its own session (no recording hooks)."""
    return boto3.session.Session().client(
        "iot-data",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


class BridgeProcess:
    """The bridge as its own process, as on a Pi, with one simulated bulb."""

    def __init__(self, core: LocalIotCore, thing: str, workdir: Path, tuning: Tuning) -> None:
        self.thing = thing
        self.state_file = workdir / f"{thing}.bulb.json"
        self.log_file = workdir / f"{thing}.bridge.log"
        self._tuning = tuning
        self._process: subprocess.Popen[bytes] | None = None
        self.frozen = False
        cert, key = core.issue_thing_certificate(thing)
        self.config = workdir / f"{thing}.bridge.toml"
        document = {
            "thing_name": thing,
            "endpoint": "localhost",
            "port": core.mqtt_tls_port,
            "cert_file": str(cert),
            "key_file": str(key),
            "ca_file": str(core.ca_file),
            "poll_seconds": tuning.poll_seconds,
            "keep_alive_seconds": tuning.keep_alive_seconds,
            "min_reconnect_seconds": tuning.min_reconnect_seconds,
            "max_reconnect_seconds": tuning.max_reconnect_seconds,
            "operation_timeout_seconds": tuning.operation_timeout_seconds,
            "devices": [
                {"id": DEVICE, "name": "Living room", "driver": "simulated",
                 "state_file": str(self.state_file)},
            ],
        }  # fmt: skip
        self.config.write_text(tomli_w.dumps(document), encoding="utf-8")
        self.set_bulb(INITIAL_BULB)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        env = {**os.environ, "SMARTHOME_HEARTBEAT_SECONDS": str(self._tuning.heartbeat_seconds)}
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "home_bridge", "run", "--config", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )
        self.frozen = False

    def freeze(self) -> None:
        """SIGSTOP: a hung process (the broker drops it after 1.5 keep-alives)."""
        self._signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)
        self.frozen = False

    def kill(self) -> None:
        """SIGKILL (works on a frozen process too): no goodbye, only the last will."""
        self._signal(signal.SIGKILL)
        if self._process is not None:
            self._process.wait(10)
        self.frozen = False

    def stop(self) -> None:
        """A clean stop (SIGTERM; thawed first, or it could not act on it)."""
        if not self.running or self._process is None:
            return
        if self.frozen:
            self.thaw()
        self._process.terminate()
        try:
            self._process.wait(15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)

    def _signal(self, sig: signal.Signals) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(sig)

    def bulb(self) -> dict[str, Any]:
        """The bulb's physical state (what the simulated bulb keeps in its state file)."""
        # Today's bridge replaces the file atomically; an older one rewrote it in place.
        raw = wait_until(self._read_state, 2.0, f"{self.state_file} readable", interval=0.01)
        return {key: raw[field] for key, field in _BULB_FIELDS.items()}

    def _read_state(self) -> dict[str, Any] | None:
        try:
            raw: dict[str, Any] = json.loads(self.state_file.read_text(encoding="utf-8"))
        except ValueError:
            return None
        return raw

    def set_bulb(self, state: dict[str, Any]) -> None:
        """Change the bulb at the bulb (a wall switch, or the initial state)."""
        current = (
            json.loads(self.state_file.read_text(encoding="utf-8"))
            if self.state_file.exists()
            else {}
        )
        current.update({_BULB_FIELDS[key]: value for key, value in state.items()})
        tmp = self.state_file.with_name(self.state_file.name + ".harness.tmp")
        tmp.write_text(json.dumps(current), encoding="utf-8")
        tmp.replace(self.state_file)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_file.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no log)"


class LambdaCaller:
    """The real smart-home Lambda handler, called as the Gateway calls it, for one home."""

    def __init__(self, rest_endpoint: str, tuning: Tuning) -> None:
        self._endpoint = rest_endpoint
        self._tuning = tuning
        self.thing = ""
        self.writes: list[dict[str, Any]] = []  # desired documents, in the order written
        self._send_caller = True

    @contextmanager
    def environment(self) -> Iterator[None]:
        """The Lambda's environment (as Terraform sets it), restored afterwards."""
        values = {
            "IOT_DATA_ENDPOINT": self._endpoint,
            "COMMAND_WAIT_SECONDS": str(self._tuning.command_wait_seconds),
            "SMARTHOME_HEARTBEAT_SECONDS": str(self._tuning.heartbeat_seconds),
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "THING_NAMES": "placeholder",
        }
        saved = {key: os.environ.get(key) for key in values}
        os.environ.update(values)
        session = boto3.DEFAULT_SESSION
        # The Lambda builds its client from boto3's default session: record what it writes.
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register(
            "before-call.iot-data.UpdateThingShadow", self._record
        )
        try:
            yield
        finally:
            boto3.DEFAULT_SESSION = session
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            self._reset_lambda()

    def use_home(self, thing: str) -> None:
        """Point the Lambda at ``thing`` (a fresh home per run), as a new deployment would."""
        self.thing = thing
        os.environ["THING_NAMES"] = thing
        self._reset_lambda()
        probe = self.call("list_devices", {})
        # A Lambda from before the caller contract (C3) refuses the caller argument as unknown.
        if "error" in probe and gateway_rules.rules().caller.argument in probe["error"]:
            self._send_caller = False

    def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        from iot_lambda.handler import handler

        event = dict(arguments)
        if self._send_caller:
            caller = Caller(
                sub="outage-test", username="outage-test",
                groups=(gateway_rules.home_group(self.thing),), client_id="outage-test",
            )  # fmt: skip
            event[gateway_rules.rules().caller.argument] = caller.as_argument()
        keys = gateway_rules.rules().lambda_context_keys
        context = SimpleNamespace(
            aws_request_id="outage-test",
            function_name="outage-test",
            memory_limit_in_mb=256,
            invoked_function_arn="arn:aws:lambda:eu-central-1:000000000000:function:outage-test",
            client_context=SimpleNamespace(
                custom={keys.tool_name: gateway_rules.full_tool_name(HOME_TARGET, tool)}
            ),
        )
        # The Lambda writes its logs and EMF metrics to stdout, as in AWS; not ours to print.
        with contextlib.redirect_stdout(io.StringIO()):
            answer: dict[str, Any] = handler(event, context)
        return answer

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        if params.get("query_string", {}).get("name") != DEVICE:
            return
        desired = json.loads(params["body"]).get("state", {}).get("desired")
        if isinstance(desired, dict):
            self.writes.append(desired)

    @staticmethod
    def _reset_lambda() -> None:
        from iot_lambda import handler

        # Settings and the boto3 client are built once per warm Lambda; a new home is a new one.
        reset = getattr(handler.smart_home, "cache_clear", None)
        if reset is not None:
            reset()


def command_target(desired: dict[str, Any]) -> dict[str, Any]:
    """The command keys of a desired document the Lambda wrote."""
    return {key: desired[key] for key in COMMAND_KEYS if key in desired}


@dataclass
class Outcomes:
    """What a run's commands promise, and the answers that were not true."""

    expected: dict[str, Any] = field(default_factory=lambda: dict(INITIAL_BULB))
    sent: int = 0
    answers: dict[str, int] = field(default_factory=dict)
    false_done: list[str] = field(default_factory=list)
    command_ids: list[str | None] = field(default_factory=list)

    def accepted(self, target: dict[str, Any], command_id: str | None) -> None:
        self.expected.update(target)
        self.command_ids.append(command_id)

    def lost(self, bulb: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        """Keys whose last accepted command is not what the bulb is: ``{key: (want, have)}``."""
        return {k: (v, bulb[k]) for k, v in self.expected.items() if bulb[k] != v}


def send_command(
    caller: LambdaCaller,
    bridge: BridgeProcess,
    outcomes: Outcomes,
    tool: str,
    arguments: dict[str, Any],
) -> dict[str, Any]:
    """One command through the Lambda, checked the moment it is answered."""
    before = len(caller.writes)
    answer = caller.call(tool, arguments)
    outcomes.sent += 1
    status = str(answer.get("status", "error"))
    outcomes.answers[status] = outcomes.answers.get(status, 0) + 1
    written = caller.writes[before:]
    if "error" in answer or not written:
        raise AssertionError(f"{tool} {arguments} was not accepted: {answer}")
    desired = written[-1]
    target = command_target(desired)
    if status == "done":
        bulb = bridge.bulb()
        if any(bulb[key] != value for key, value in target.items()):
            outcomes.false_done.append(f"{tool} {arguments}: done, but the bulb is {bulb}")
    outcomes.accepted(target, desired.get(COMMAND_ID_KEY))
    return answer


def pending(data: Any, thing: str) -> dict[str, Any] | None:
    """The device's desired command keys still waiting (``None`` before the first report)."""
    try:
        body = data.get_thing_shadow(thingName=thing, shadowName=DEVICE)["payload"].read()
    except data.exceptions.ResourceNotFoundException:
        return None
    return DeviceShadow.model_validate(json.loads(body)).pending()


def wait_for_first_report(data: Any, thing: str, within: float) -> None:
    wait_until(lambda: pending(data, thing) is not None, within, f"{thing}: first report")


def settle(data: Any, bridge: BridgeProcess, outcomes: Outcomes, within: float) -> dict[str, Any]:
    """Wait until nothing is pending and the bulb is what the last commands asked for.

    Returns the last observation (``pending``, ``bulb``, ``lost``) for the caller to assert on,
    whether or not it settled in time.
    """
    seen: dict[str, Any] = {}

    def settled() -> bool:
        seen["pending"] = pending(data, bridge.thing)
        seen["bulb"] = bridge.bulb()
        seen["lost"] = outcomes.lost(seen["bulb"])
        return seen["pending"] == {} and not seen["lost"]

    deadline = time.monotonic() + within
    while not settled() and time.monotonic() < deadline:
        time.sleep(0.1)
    return seen
