"""The whole system on one machine: start in dependency order, check health, keep it running,
stop in reverse.

The local IoT Core (mosquitto and the shadow service's threads) and the local Secrets Manager
(moto) run inside the supervisor; the sandbox API, the bridge, the runtime and the gateway are
child processes, each with its own log under ``<state_dir>/logs``. A child or mosquitto that
crashes is restarted with backoff (:mod:`devstack.supervisor.watch`).

Identity as in AWS: the gateway is the one MCP endpoint; its interceptor turns the caller's token
into the caller; the runtime runs in ``per_user`` mode against the local user pool and trusts the
caller header only from the gateway's client; each demo user's own API token is a secret.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from types import TracebackType

from smarthome_contract import naming

from devstack.gateway.auth import GATEWAY_CLIENT_ID, INTERACTIVE_CLIENT_ID, LocalIssuer
from devstack.gateway.server import JWKS_PATH
from devstack.iot_core.core import LocalIotCore
from devstack.iot_core.topics import ShadowAddress
from devstack.supervisor.bridge_config import bridge_config, bridge_env, write_bridge_config
from devstack.supervisor.endpoints import Endpoints, UserToken
from devstack.supervisor.health import http_ok
from devstack.supervisor.ports import resolve_ports
from devstack.supervisor.process import Child, pid_alive, pids_with_argument, tail
from devstack.supervisor.secrets import LOCAL_CREDENTIALS, REGION, LocalSecrets
from devstack.supervisor.settings import StackSettings
from devstack.supervisor.users import DemoUser, demo_users, sandbox_tokens
from devstack.supervisor.watch import RestartPolicy, Supervisor

log = logging.getLogger(__name__)

START_ORDER = ("sandbox", "bridge", "runtime", "gateway")
METRICS_NAMESPACE = "AgentCoreMcp/devstack"


class Broker:
    """mosquitto as the supervisor watches it: found by its config file, restarted in place."""

    name = "mosquitto"

    def __init__(self, core: LocalIotCore) -> None:
        self._core = core
        self._config = str(core.state_dir / "broker" / "mosquitto.conf")
        self._pid: int | None = None

    def pid(self) -> int | None:
        """mosquitto's pid while it runs."""
        if self._pid is None or not pid_alive(self._pid):
            found = pids_with_argument(self._config)
            self._pid = found[0] if found else None
        return self._pid

    def alive(self) -> bool:
        return self.pid() is not None

    def exit_status(self) -> str:
        return "is not running"

    def restart(self) -> None:
        self._core.start_broker()

    def last_words(self) -> str:
        return tail(Path(self._config).with_name("mosquitto.log"))


class Stack:
    """Start with :meth:`start` (or ``with Stack(settings) as stack``), stop with :meth:`stop`."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.state_dir = settings.state_dir.resolve()
        self.logs_dir = self.state_dir / "logs"
        self.ports: dict[str, int] = {}
        self.iot_core: LocalIotCore | None = None
        self.secrets: LocalSecrets | None = None
        self.children: dict[str, Child] = {}
        self.users: tuple[DemoUser, ...] = demo_users(settings.thing_name)
        self.issuer = LocalIssuer.load_or_create(settings.gateway_state_dir.resolve())
        self._supervisor: Supervisor | None = None

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
            self._start_secrets()
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
        if self.secrets is not None:
            self.secrets.stop()
            self.secrets = None
        if self.iot_core is not None:
            log.info("stopping iot_core")
            self.iot_core.stop()
            self.iot_core = None

    def child(self, name: str) -> Child:
        """A child by name (``sandbox``, ``bridge``, ``runtime``, ``gateway``)."""
        return self.children[name]

    @property
    def supervisor(self) -> Supervisor:
        """The restarter for the children and mosquitto (valid after :meth:`start`)."""
        if self._supervisor is None:
            core = self.iot_core
            if core is None:
                raise RuntimeError("the stack is not started")
            s = self.settings
            policy = RestartPolicy(
                first_delay_s=s.restart_delay_seconds,
                max_delay_s=s.restart_max_delay_seconds,
                fast_crash_s=s.fast_crash_seconds,
                max_fast_crashes=s.max_fast_crashes,
            )
            self._supervisor = Supervisor([Broker(core), *self.children.values()], policy)
        return self._supervisor

    # --- facts --------------------------------------------------------------------------------

    @property
    def gateway_url(self) -> str:
        return f"http://{self.settings.host}:{self.ports['gateway']}"

    @property
    def endpoints(self) -> Endpoints:
        """Where everything listens and who may call (valid after :meth:`start`)."""
        host = self.settings.host
        return Endpoints(
            gateway_url=f"{self.gateway_url}/mcp",
            runtime_url=f"http://{host}:{self.ports['runtime']}/mcp",
            sandbox_url=self.sandbox_base_url,
            broker_url=f"mqtts://localhost:{self.ports['mqtt']}",
            iot_data_url=f"http://{host}:{self.ports['iot_rest']}",
            secrets_url=self.secrets.endpoint if self.secrets else "",
            jwks_url=self.gateway_url + JWKS_PATH,
            issuer=self.issuer.issuer,
            api_token=self.settings.api_token.get_secret_value(),
            thing_name=self.settings.thing_name,
            logs_dir=str(self.logs_dir),
            users=tuple(
                UserToken(u.name, u.sub, u.groups, self.issuer.user_token(u.name, u.groups))
                for u in self.users
            ),
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
        presence = core.shadows.reported(ShadowAddress(thing, naming.presence_shadow_name()))
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

    def _start_secrets(self) -> None:
        secrets = LocalSecrets(self.settings.host)
        secrets.start()
        self.secrets = secrets
        secrets.seed(self.settings.secret_prefix, self.users)
        log.info(
            "secrets at %s: an API token for each of %d users", secrets.endpoint, len(self.users)
        )

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
        tokens = sandbox_tokens(s.api_token.get_secret_value(), self.users)
        return Child(
            "sandbox",
            argv,
            {"SANDBOX_API_TOKENS": tokens},
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
        secrets = self.secrets
        assert secrets is not None  # started before any child  # noqa: S101
        env = {
            "MCP_RUNTIME_API_BASE_URL": self.sandbox_base_url,
            # Each caller's own API token, found by the sub of their verified token.
            "MCP_RUNTIME_CREDENTIALS_MODE": "per_user",
            "MCP_RUNTIME_COGNITO_ISSUER": self.issuer.issuer,
            "MCP_RUNTIME_COGNITO_JWKS_URI": self.gateway_url + JWKS_PATH,
            "MCP_RUNTIME_ALLOWED_CLIENT_IDS": INTERACTIVE_CLIENT_ID,
            # The caller header counts only on requests the gateway's own client makes.
            "MCP_RUNTIME_GATEWAY_CLIENT_IDS": GATEWAY_CLIENT_ID,
            "MCP_RUNTIME_USER_TOKEN_SECRET_PREFIX": s.secret_prefix,
            "MCP_RUNTIME_SECRETS_ENDPOINT_URL": secrets.endpoint,
            "MCP_RUNTIME_AWS_REGION": REGION,
            **LOCAL_CREDENTIALS,
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
        core = self.iot_core
        assert core is not None  # noqa: S101
        env = {
            "DEVSTACK_GATEWAY_HOST": s.host,
            "DEVSTACK_GATEWAY_PORT": str(port),
            "DEVSTACK_GATEWAY_STATE_DIR": str(s.gateway_state_dir.resolve()),
            "DEVSTACK_GATEWAY_ISSUER": self.issuer.issuer,
            "DEVSTACK_GATEWAY_RUNTIME_URL": f"http://{s.host}:{self.ports['runtime']}/mcp",
            "DEVSTACK_GATEWAY_API_BASE_URL": self.sandbox_base_url,
            "DEVSTACK_GATEWAY_API_KEY": s.api_token.get_secret_value(),
            "DEVSTACK_GATEWAY_LAMBDA_CONCURRENCY": str(s.lambda_concurrency),
            # The smart-home Lambda's own environment, as Terraform sets it in AWS.
            "IOT_DATA_ENDPOINT": core.rest_endpoint,
            "THING_NAMES": s.thing_name,
            "COMMAND_WAIT_SECONDS": str(s.command_wait_seconds),
            "POWERTOOLS_SERVICE_NAME": "smart-home",
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            **LOCAL_CREDENTIALS,
        }
        if s.openapi_target:
            env["DEVSTACK_GATEWAY_OPENAPI_FILE"] = str(s.openapi_file)
        return Child(
            "gateway",
            self._python("-m", "devstack.gateway"),
            env,
            self.logs_dir / "gateway.log",
            http_ok(f"http://{s.host}:{port}/health"),
        )
