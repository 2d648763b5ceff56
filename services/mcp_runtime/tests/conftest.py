"""Shared fixtures: the sandbox API (real HTTP, SQLite, organisations), fault injection, a served
MCP app, moto's server (Secrets Manager), and a Cognito-shaped token issuer with a real JWKS."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx2
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from devstack.sandbox import running_sandbox
from jwt.algorithms import RSAAlgorithm
from mcp_runtime.settings import RuntimeSettings
from moto.server import ThreadedMotoServer
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp
from testkit.net import free_port
from testkit.waiting import wait_until as testkit_wait_until

API_TOKEN = "0123456789abcdef0123456789abcdef"  # the sandbox's demo token, not a real secret
# Two more organisations of the sandbox, each with its own data (contract C6).
ORG_A_TOKEN = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
ORG_B_TOKEN = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
REGION = "us-east-1"
SECRET_PREFIX = "agentcore-mcp/test/user-tokens"
INTERACTIVE_CLIENT = "claudeclient"
GATEWAY_CLIENT = "gatewaym2mclient"
OTHER_CLIENT = "someotherclient"
WRITERS = "accounting-writers"


def wait_until(predicate: Any, *, timeout: float = 15.0, what: str = "condition") -> None:
    """Poll ``predicate`` until it is truthy (no fixed sleeps); ``TimeoutError`` naming ``what``."""
    if not testkit_wait_until(lambda: bool(predicate()), timeout, interval_s=0.02):
        raise TimeoutError(f"{what} not met within {timeout} s")


def healthy(url: str) -> bool:
    try:
        return httpx2.get(url, timeout=1.0).status_code == 200
    except httpx2.HTTPError:
        return False


class ServedApp:
    """An ASGI app served by uvicorn on an ephemeral 127.0.0.1 port in a thread."""

    def __init__(self, app: ASGIApp, health_path: str = "/health") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._health = health_path
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None, access_log=False)
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> ServedApp:
        self._thread.start()
        wait_until(lambda: healthy(f"{self.base}{self._health}"), what="app healthy")
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("sandbox") / "accounting.sqlite"
    tokens = [API_TOKEN, f"{ORG_A_TOKEN}=org-a", f"{ORG_B_TOKEN}=org-b"]
    with running_sandbox(db, tokens, faults=True) as url:
        yield url


class Faults:
    """Queues canned answers on the sandbox (``POST /_sandbox/faults``) and reads its counters."""

    def __init__(self, sandbox_url: str) -> None:
        root = sandbox_url.removesuffix("/api/v1")
        self._url = f"{root}/_sandbox/faults"
        self._stats = f"{root}/_sandbox/stats"

    def add(self, path: str, method: str = "GET", **spec: Any) -> None:
        body = {"method": method, "path": f"/api/v1/{path}", **spec}
        response = httpx2.post(self._url, json=body, timeout=5)
        assert response.status_code == 201, response.text

    def pending(self) -> list[dict[str, Any]]:
        return list(httpx2.get(self._url, timeout=5).json()["faults"])

    def clear(self) -> None:
        httpx2.delete(self._url, timeout=5).raise_for_status()

    def stats(self) -> dict[str, int]:
        return dict(httpx2.get(self._stats, timeout=5).json())

    def reset_stats(self) -> None:
        httpx2.delete(self._stats, timeout=5).raise_for_status()


@pytest.fixture
def faults(sandbox_url: str) -> Iterator[Faults]:
    queue = Faults(sandbox_url)
    queue.clear()
    queue.reset_stats()
    yield queue
    queue.clear()


def _make_settings(sandbox_url: str, **overrides: Any) -> RuntimeSettings:
    values: dict[str, Any] = {
        "api_base_url": sandbox_url,
        "static_token": API_TOKEN,
        "max_retries": 2,
        "retry_max_wait_seconds": 2,
        "read_timeout_seconds": 5,
        **overrides,
    }
    return RuntimeSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def api_token() -> str:
    return API_TOKEN


@pytest.fixture(scope="session")
def make_settings() -> Any:
    """``make_settings(api_base_url, **overrides)``: settings for a test, no .env file read."""
    return _make_settings


@pytest.fixture(scope="session")
def serve() -> Any:
    """``with serve(app) as served:`` runs an ASGI app on 127.0.0.1 until the block ends."""
    return ServedApp


@pytest.fixture(scope="session")
def wait_for() -> Any:
    """``wait_for(predicate, timeout=..., what=...)``: poll with a deadline."""
    return wait_until


@pytest.fixture(scope="module")
def served_mcp(sandbox_url: str) -> Iterator[str]:
    """The real HTTP app (static credentials) against the sandbox; yields its /mcp URL."""
    from mcp_runtime.server import create_app

    with ServedApp(create_app(_make_settings(sandbox_url))) as served:
        yield f"{served.base}/mcp"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


# --- AWS stand-ins and identity ---------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        # moto accepts any keys; these keep boto3 from looking for real ones.
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def aws_client(service: str, moto_url: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=moto_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def store_user_token(moto_url: str, sub: str, token: str) -> None:
    """What `make user-token` does: the user's API token under ``<prefix>/<sub>``."""
    client = aws_client("secretsmanager", moto_url)
    secret = json.dumps({"api_token": token})
    try:
        client.create_secret(Name=f"{SECRET_PREFIX}/{sub}", SecretString=secret)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=f"{SECRET_PREFIX}/{sub}", SecretString=secret)


@dataclass(frozen=True)
class MotoUser:
    """A user of a fresh moto user pool, signed in with USER_PASSWORD_AUTH (real RS256 tokens
    with Cognito's claims; moto's JWKS is served by its HTTP server)."""

    endpoint: str
    pool_id: str
    client_id: str
    username: str
    access_token: str
    id_token: str

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{REGION}.amazonaws.com/{self.pool_id}"

    @property
    def jwks_uri(self) -> str:
        return f"{self.endpoint}/{self.pool_id}/.well-known/jwks.json"

    @property
    def sub(self) -> str:
        return str(jwt.decode(self.access_token, options={"verify_signature": False})["sub"])


def moto_user(moto_url: str) -> MotoUser:
    idp = aws_client("cognito-idp", moto_url)
    pool_id = idp.create_user_pool(PoolName=f"p{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="mcp", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    name, password = f"u{uuid.uuid4().hex[:8]}@example.com", "Corr3ct-Horse-Battery!"
    idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=name, Password=password, Permanent=True
    )
    auth = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": password},
    )["AuthenticationResult"]
    return MotoUser(moto_url, pool_id, client_id, name, auth["AccessToken"], auth["IdToken"])


class Issuer:
    """A Cognito user pool stand-in: an RSA key, its JWKS served over real HTTP, and tokens with
    Cognito's access-token claims (``client_id`` and no ``aud``, ``token_use``, groups)."""

    def __init__(self, jwks_base: str, pool: str) -> None:
        self.pool = pool
        self.issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool}"
        self.jwks_uri = f"{jwks_base}/{pool}/.well-known/jwks.json"
        self.kid = uuid.uuid4().hex
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwks_fetches = 0

    def jwks(self) -> dict[str, Any]:
        self.jwks_fetches += 1
        public = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def rotate(self) -> None:
        """Publish a new signing key (Cognito publishes the new key before signing with it)."""
        self.kid = uuid.uuid4().hex
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @staticmethod
    def sub_of(username: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, username))

    def claims(
        self,
        username: str | None,
        *,
        groups: tuple[str, ...] = (),
        client_id: str = INTERACTIVE_CLIENT,
    ) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": self.sub_of(username) if username else client_id,
            "iss": self.issuer,
            "client_id": client_id,
            "token_use": "access",
            "scope": "openid" if username else "accounting/invoke",
            "iat": now,
            "exp": now + 3600,
            "jti": uuid.uuid4().hex,
        }
        if username:
            claims["username"] = username
        if groups:
            claims["cognito:groups"] = list(groups)
        return claims

    def sign(self, claims: dict[str, Any], *, kid: str | None = None) -> str:
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": kid or self.kid})

    def token(self, username: str | None, **kwargs: Any) -> str:
        overrides = kwargs.pop("overrides", {})
        return self.sign({**self.claims(username, **kwargs), **overrides})


@pytest.fixture(scope="session")
def jwks_server() -> Iterator[tuple[str, dict[str, Issuer]]]:
    """A JWKS endpoint per issuer (pool), over real HTTP; register issuers in the dict."""
    issuers: dict[str, Issuer] = {}

    async def jwks(request: Any) -> JSONResponse:
        issuer = issuers.get(request.path_params["pool"])
        if issuer is None:
            return JSONResponse({"message": "no such pool"}, status_code=404)
        return JSONResponse(issuer.jwks())

    async def health(request: Any) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/{pool}/.well-known/jwks.json", jwks),
        ]
    )
    with ServedApp(app) as served:
        yield served.base, issuers


def new_issuer(jwks_server: tuple[str, dict[str, Issuer]]) -> Issuer:
    base, issuers = jwks_server
    issuer = Issuer(base, f"{REGION}_{uuid.uuid4().hex[:9]}")
    issuers[issuer.pool] = issuer
    return issuer


@pytest.fixture(scope="session")
def issuer(jwks_server: tuple[str, dict[str, Issuer]]) -> Issuer:
    return new_issuer(jwks_server)


def per_user_settings(
    sandbox_url: str, issuer: Issuer, moto_url: str, **overrides: Any
) -> RuntimeSettings:
    values: dict[str, Any] = {
        "static_token": None,
        "credentials_mode": "per_user",
        "cognito_issuer": issuer.issuer,
        "cognito_jwks_uri": issuer.jwks_uri,
        "allowed_client_ids": INTERACTIVE_CLIENT,
        "gateway_client_ids": GATEWAY_CLIENT,
        "user_token_secret_prefix": SECRET_PREFIX,
        "aws_region": REGION,
        "secrets_endpoint_url": moto_url,
        "secret_cache_seconds": 0,
        **overrides,
    }
    return _make_settings(sandbox_url, **values)


@pytest.fixture(scope="module")
def per_user_mcp(sandbox_url: str, issuer: Issuer, moto_url: str) -> Iterator[str]:
    """The HTTP app in per_user mode (this issuer, Secrets Manager on moto); its /mcp URL."""
    from mcp_runtime.server import create_app

    with ServedApp(create_app(per_user_settings(sandbox_url, issuer, moto_url))) as served:
        yield f"{served.base}/mcp"


@dataclass(frozen=True)
class Kit:
    """Everything an identity test needs, as one fixture (test modules cannot import conftest)."""

    sandbox_url: str
    moto_url: str
    issuer: Issuer
    jwks_server: tuple[str, dict[str, Issuer]]
    api_token: str = API_TOKEN
    org_a_token: str = ORG_A_TOKEN
    org_b_token: str = ORG_B_TOKEN
    interactive_client: str = INTERACTIVE_CLIENT
    gateway_client: str = GATEWAY_CLIENT
    other_client: str = OTHER_CLIENT
    writers: str = WRITERS
    secret_prefix: str = SECRET_PREFIX

    def settings(self, **overrides: Any) -> RuntimeSettings:
        return per_user_settings(self.sandbox_url, self.issuer, self.moto_url, **overrides)

    def store_token(self, sub: str, token: str) -> None:
        store_user_token(self.moto_url, sub, token)

    def new_issuer(self) -> Issuer:
        return new_issuer(self.jwks_server)

    def moto_user(self) -> MotoUser:
        return moto_user(self.moto_url)

    def aws(self, service: str) -> Any:
        return aws_client(service, self.moto_url)


@pytest.fixture(scope="session")
def kit(
    sandbox_url: str,
    moto_url: str,
    issuer: Issuer,
    jwks_server: tuple[str, dict[str, Issuer]],
) -> Kit:
    return Kit(sandbox_url, moto_url, issuer, jwks_server)
