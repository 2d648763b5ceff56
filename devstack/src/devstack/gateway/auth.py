"""The local user pool: a signing key, its JWKS, tokens shaped like Cognito's, and the verifier.

The cloud Gateway checks Cognito access tokens against Cognito's JWKS. Locally the gateway plays
both parts: tokens are signed with a key kept under the state directory, and the gateway serves
the public half at ``/.well-known/jwks.json``; its verifier, the interceptor and the runtime fetch
it like any remote JWKS. The issuer is a fixed name rather than the gateway's URL, so a token
minted with the stack down (``python -m devstack token``) is valid whatever port the stack uses.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastmcp.server.auth import AccessToken
from fastmcp.server.auth.providers.jwt import JWTVerifier
from gateway_contract.tokens import access_token_problem
from joserfc import jwt
from joserfc.jwk import RSAKey

KEY_FILE = "jwt-signing-key.pem"
KEY_ID = "devstack-local"
# A reserved name (RFC 2606 .invalid): it names the pool, it is never fetched.
ISSUER = "https://devstack.invalid/local-user-pool"
# The interactive app client (what Claude and Langdock are in Cognito) and the Gateway's M2M
# client (client credentials, used by the gateway to call the runtime).
INTERACTIVE_CLIENT_ID = "devstack-interactive"
GATEWAY_CLIENT_ID = "devstack-gateway"
INTERACTIVE_SCOPES = ("openid", "email", "profile")
GATEWAY_SCOPES = ("devstack-runtime/invoke",)
USER_TOKEN_TTL_S = 12 * 3600
M2M_TOKEN_TTL_S = 3600
# Stable subjects: the same user name gives the same sub on every machine and every run.
USER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, ISSUER)


def user_sub(username: str) -> str:
    """The ``sub`` of a local user: ``uuid5(uuid5(URL, ISSUER), username)``."""
    return str(uuid.uuid5(USER_NAMESPACE, username))


@dataclass(frozen=True)
class LocalIssuer:
    """The local identity provider: issuer name and signing key."""

    issuer: str
    key: RSAKey

    @classmethod
    def load_or_create(cls, state_dir: Path, issuer: str = ISSUER) -> LocalIssuer:
        """Reuse the key from an earlier run, so tokens printed then still work."""
        path = state_dir / KEY_FILE
        if path.exists():
            key = RSAKey.import_key(path.read_bytes())
        else:
            state_dir.mkdir(parents=True, exist_ok=True)
            key = RSAKey.generate_key(2048)
            path.touch(mode=0o600)
            path.write_bytes(key.as_pem(private=True))
        return cls(issuer=issuer, key=key)

    def jwks(self) -> dict[str, Any]:
        """The public key set, as served at ``/.well-known/jwks.json``."""
        public = self.key.as_dict(private=False, kid=KEY_ID)
        return {"keys": [{**public, "use": "sig", "alg": "RS256"}]}

    def sign(self, claims: dict[str, Any]) -> str:
        """Any claims, signed (tests use it for tokens the verifiers must refuse)."""
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.key)

    def user_token(
        self,
        username: str,
        groups: Sequence[str] = (),
        *,
        ttl_s: int = USER_TOKEN_TTL_S,
        client_id: str = INTERACTIVE_CLIENT_ID,
    ) -> str:
        """An access token as Cognito issues it to an interactive client for ``username``.

        ``cognito:groups`` is left out when the user is in no group, as Cognito does.
        """
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": user_sub(username),
            "username": username,
            "iss": self.issuer,
            "client_id": client_id,
            "token_use": "access",
            "scope": " ".join(INTERACTIVE_SCOPES),
            "auth_time": now,
            "iat": now,
            "exp": now + ttl_s,
            "jti": str(uuid.uuid4()),
        }
        if groups:
            claims["cognito:groups"] = list(groups)
        return self.sign(claims)

    def client_token(
        self, client_id: str = GATEWAY_CLIENT_ID, *, ttl_s: int = M2M_TOKEN_TTL_S
    ) -> str:
        """A client-credentials access token: no user, so ``sub`` is the client id, no groups."""
        now = int(time.time())
        return self.sign(
            {
                "sub": client_id,
                "iss": self.issuer,
                "client_id": client_id,
                "token_use": "access",
                "scope": " ".join(GATEWAY_SCOPES),
                "iat": now,
                "exp": now + ttl_s,
                "jti": str(uuid.uuid4()),
            }
        )


@dataclass
class ClientTokens:
    """The gateway's outbound OAuth: one client-credentials token, renewed before it expires."""

    issuer: LocalIssuer
    client_id: str = GATEWAY_CLIENT_ID
    renew_before_s: int = 300
    _token: str = field(default="", init=False)
    _expires: float = field(default=0.0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def token(self) -> str:
        """A valid token for the runtime target (what AgentCore Identity hands the Gateway)."""
        with self._lock:
            if time.time() >= self._expires - self.renew_before_s:
                self._token = self.issuer.client_token(self.client_id)
                self._expires = time.time() + M2M_TOKEN_TTL_S
            return self._token


class AccessTokenVerifier(JWTVerifier):
    """FastMCP's JWT verifier plus the rules Cognito access tokens need (as the cloud Gateway's
    ``allowed_clients`` authorizer and the runtime apply them): ``exp``/``iat`` required, ``nbf``
    honoured, ``token_use == "access"``, allowed clients; no audience (Cognito sets none)."""

    def __init__(
        self, *, jwks_uri: str, issuer: str, allowed_client_ids: Collection[str], **kwargs: Any
    ) -> None:
        super().__init__(jwks_uri=jwks_uri, issuer=issuer, algorithm="RS256", **kwargs)
        self.allowed_client_ids = frozenset(allowed_client_ids)

    async def load_access_token(self, token: str) -> AccessToken | None:
        verified = await super().load_access_token(token)
        if verified is None:
            return None
        problem = access_token_problem(
            verified.claims, allowed_client_ids=self.allowed_client_ids, now=time.time()
        )
        if problem is not None:
            self.logger.info("Bearer token rejected: %s", problem)
            return None
        return verified
