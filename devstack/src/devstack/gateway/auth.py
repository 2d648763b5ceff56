"""Optional JWT auth for the local gateway: a local signing key, its JWKS, and demo tokens.

The cloud Gateway checks Cognito access tokens against Cognito's JWKS. Locally the gateway plays
both parts: it signs demo tokens with a key kept under the state directory and serves the public
half at ``/.well-known/jwks.json``, which its ``JWTVerifier`` fetches like any remote JWKS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastmcp.server.auth.providers.jwt import JWTVerifier
from joserfc import jwt
from joserfc.jwk import RSAKey

KEY_FILE = "jwt-signing-key.pem"
KEY_ID = "devstack-local"
AUDIENCE = "devstack-gateway"
DEMO_SCOPES = ("mcp/invoke",)


@dataclass(frozen=True)
class LocalIssuer:
    """The local identity provider: issuer URL and signing key."""

    issuer: str
    key: RSAKey

    @classmethod
    def load_or_create(cls, state_dir: Path, issuer: str) -> LocalIssuer:
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

    def token(self, subject: str = "devstack-user", ttl_s: int = 12 * 3600) -> str:
        """A signed access token shaped like Cognito's (``client_id``, ``scope``, ``token_use``)."""
        now = int(time.time())
        claims = {
            "sub": subject,
            "iss": self.issuer,
            "aud": AUDIENCE,
            "client_id": "devstack-demo",
            "token_use": "access",
            "scope": " ".join(DEMO_SCOPES),
            "iat": now,
            "exp": now + ttl_s,
        }
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.key)

    def verifier(self, jwks_uri: str) -> JWTVerifier:
        """A verifier that fetches this issuer's JWKS over HTTP, as the cloud authorizer does."""
        return JWTVerifier(jwks_uri=jwks_uri, issuer=self.issuer, audience=AUDIENCE)
