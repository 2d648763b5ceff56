"""The whole system on one machine: start in dependency order, check health, stop in reverse.

The local IoT Core runs inside the supervisor (it owns mosquitto and the shadow service's
threads); the sandbox API, the bridge, the runtime and the gateway are child processes, each
with its own log under ``<state_dir>/logs``. Nothing is restarted behind anyone's back: a child
that exits is reported and the stack goes down with a clear message.
"""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType

from devstack.gateway.auth import LocalIssuer
from devstack.iot_core.core import LocalIotCore
from devstack.iot_core.topics import ShadowAddress
from devstack.supervisor.bridge_config import bridge_config, bridge_env, write_bridge_config
from devstack.supervisor.endpoints import Endpoints
from devstack.supervisor.health import http_ok
from devstack.supervisor.ports import resolve_ports
from devstack.supervisor.process import Child
from devstack.supervisor.settings import StackSettings

log = logging.getLogger(__name__)

START_ORDER = ("sandbox", "bridge", "runtime", "gateway")
PRESENCE_SHADOW = "bridge"


class Stack:
    """Start with :meth:`start` (or ``with Stack(settings) as stack``), stop with :meth:`stop`."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.state_dir = settings.state_dir.resolve()
        self.logs_dir = self.state_dir / "logs"
        self.ports: dict[str, int] = {}
        self.iot_core: LocalIotCore | None = None
        self.children: dict[str, Child] = {}
        self._issuer: LocalIssuer | None = None

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Endpoints:
        """Check ports, then start everything; on any failure stop what started and re-raise."""
        s = self.settings
        self.ports = resolve_ports(
            s.host,
            {
                "runtime": s.runtime_port,
                "gateway": s.gateway_port,
                "sandbox": s.sandbox_port,
                "mqtt": s.mqtt_port,
                "iot_rest": s.iot_rest_port,
            },
        )
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._start_iot_core()
            # Each child needs only addresses, not a peer that is already up, so they boot side
            # by side (most of their start-up is importing Python) and are then checked in order.
            for name in START_ORDER:
                log.info("starting %s", name)
                self.children[name] = self._child(name)
                self.children[name].spawn()
            deadline = time.monotonic() + s.start_timeout_seconds
            for name, child in self.children.items():
                child.wait_healthy(max(deadline - time.monotonic(), 0.0))
                log.info("%s is up", name)
        except BaseException:
            self.stop()
            raise
        return self.endpoints

    def stop(self) -> None:
        """Stop children in reverse start order, then the IoT Core; safe to call twice."""
        for name in reversed(list(self.children)):
            log.info("stopping %s", name)
            self.children[name].stop()
        if self.iot_core is not None:
            log.info("stopping iot_core")
            self.iot_core.stop()
            self.iot_core = None

    def child(self, name: str) -> Child:
        """A child by name (``sandbox``, ``bridge``, ``runtime``, ``gateway``)."""
        return self.children[name]

    def exited(self) -> list[Child]:
        """Children that have stopped on their own."""
        return [c for c in self.children.values() if c.process is not None and not c.running()]

    # --- facts --------------------------------------------------------------------------------

    @property
    def endpoints(self) -> Endpoints:
        """Where everything listens (valid after :meth:`start`)."""
        host = self.settings.host
        return Endpoints(
            runtime_url=f"http://{host}:{self.ports['runtime']}/mcp",
            gateway_url=f"http://{host}:{self.ports['gateway']}/mcp",
            sandbox_url=self.sandbox_base_url,
            broker_url=f"mqtts://localhost:{self.ports['mqtt']}",
            iot_data_url=f"http://{host}:{self.ports['iot_rest']}",
            gateway_token=self._issuer.token() if self._issuer else None,
            api_token=self.settings.api_token.get_secret_value(),
            thing_name=self.settings.thing_name,
            logs_dir=str(self.logs_dir),
        )

    @property
    def sandbox_base_url(self) -> str:
        """The sandbox API's base URL (the real API's ``/api/v1`` paths)."""
        return f"http://{self.settings.host}:{self.ports['sandbox']}/api/v1"

    def bridge_connected(self) -> bool:
        """True when the presence shadow says connected and the bulb has reported."""
        core = self.iot_core
        if core is None:
            return False
        thing = self.settings.thing_name
        presence = core.shadows.reported(ShadowAddress(thing, PRESENCE_SHADOW))
        bulb = core.shadows.reported(ShadowAddress(thing, self.settings.bulb_id))
        return presence.get("connected") is True and bool(bulb)

    # --- parts --------------------------------------------------------------------------------

    def _start_iot_core(self) -> None:
        core = LocalIotCore(
            self.state_dir / "iot_core",
            host=self.settings.host,
            mqtt_tls_port=self.ports["mqtt"],
            rest_port=self.ports["iot_rest"],
        )
        log.info("starting iot_core")
        core.start()
        self.iot_core = core

    def _python(self, *args: str) -> list[str]:
        return [sys.executable, *args]

    def _child(self, name: str) -> Child:
        build = {
            "sandbox": self._sandbox,
            "bridge": self._bridge,
            "runtime": self._runtime,
            "gateway": self._gateway,
        }[name]
        return build()

    def _sandbox(self) -> Child:
        s, port = self.settings, self.ports["sandbox"]
        argv = self._python(
            "-m", "devstack.sandbox", "--host", s.host, "--port", str(port),
            "--db", str(self.state_dir / "sandbox.db"),
        )  # fmt: skip
        return Child(
            "sandbox",
            argv,
            {"SANDBOX_API_TOKENS": s.api_token.get_secret_value()},
            self.logs_dir / "sandbox.log",
            http_ok(f"http://{s.host}:{port}/health"),
        )

    def _bridge(self) -> Child:
        core = self.iot_core
        assert core is not None  # started before any child  # noqa: S101
        cert, key = core.issue_thing_certificate(self.settings.thing_name)
        document = bridge_config(
            self.settings,
            mqtt_port=self.ports["mqtt"],
            ca_file=core.ca_file,
            cert_file=cert,
            key_file=key,
        )
        config = write_bridge_config(self.state_dir / "bridge" / "bridge.toml", document)
        return Child(
            "bridge",
            self._python("-m", "home_bridge", "run", "--config", str(config)),
            bridge_env(self.settings),
            self.logs_dir / "bridge.log",
            self.bridge_connected,
        )

    def _runtime(self) -> Child:
        s, port = self.settings, self.ports["runtime"]
        env = {
            "MCP_RUNTIME_API_BASE_URL": self.sandbox_base_url,
            "MCP_RUNTIME_CREDENTIALS_MODE": "static",
            "MCP_RUNTIME_STATIC_TOKEN": s.api_token.get_secret_value(),
        }
        argv = self._python("-m", "mcp_runtime", "--transport", "http", "--host", s.host)
        return Child(
            "runtime",
            [*argv, "--port", str(port)],
            env,
            self.logs_dir / "runtime.log",
            http_ok(f"http://{s.host}:{port}/health"),
            cwd=self.state_dir,  # away from any .env in the checkout: the stack sets everything
        )

    def _gateway(self) -> Child:
        s, port = self.settings, self.ports["gateway"]
        gateway_state = self.state_dir / "gateway"
        if s.gateway_auth == "jwt":
            self._issuer = LocalIssuer.load_or_create(gateway_state, f"http://{s.host}:{port}")
        core = self.iot_core
        assert core is not None  # noqa: S101
        env = {
            "DEVSTACK_GATEWAY_HOST": s.host,
            "DEVSTACK_GATEWAY_PORT": str(port),
            "DEVSTACK_GATEWAY_STATE_DIR": str(gateway_state),
            "DEVSTACK_GATEWAY_AUTH": s.gateway_auth,
            "DEVSTACK_GATEWAY_OPENAPI_FILE": str(s.openapi_file),
            "DEVSTACK_GATEWAY_API_BASE_URL": self.sandbox_base_url,
            "DEVSTACK_GATEWAY_API_KEY": s.api_token.get_secret_value(),
            "DEVSTACK_GATEWAY_LAMBDA_CONCURRENCY": str(s.lambda_concurrency),
            # The smart-home Lambda's own environment, as Terraform sets it in AWS.
            "IOT_DATA_ENDPOINT": core.rest_endpoint,
            "THING_NAMES": s.thing_name,
            "COMMAND_WAIT_SECONDS": str(s.command_wait_seconds),
            "POWERTOOLS_SERVICE_NAME": "smart-home",
            "AWS_ACCESS_KEY_ID": "devstack",
            "AWS_SECRET_ACCESS_KEY": "devstack",
            "AWS_DEFAULT_REGION": "eu-central-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        return Child(
            "gateway",
            self._python("-m", "devstack.gateway"),
            env,
            self.logs_dir / "gateway.log",
            http_ok(f"http://{s.host}:{port}/health"),
        )
