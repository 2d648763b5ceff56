"""The OAuth 2.0 client-credentials exchange with a Cognito domain's token endpoint."""

from __future__ import annotations

from collections.abc import Sequence

import httpx2
from pydantic import BaseModel, ConfigDict, ValidationError

from opsctl.errors import OpsError


class TokenResponse(BaseModel):
    """The fields of a successful token response that matter here (RFC 6749 section 5.1)."""

    model_config = ConfigDict(extra="ignore")

    access_token: str
    token_type: str
    expires_in: int


def client_credentials_token(
    token_endpoint: str,
    client_id: str,
    client_secret: str,
    scopes: Sequence[str] = (),
    *,
    timeout_seconds: float = 10.0,
    transport: httpx2.BaseTransport | None = None,
) -> TokenResponse:
    """Exchange the client's id and secret for an access token.

    Without ``scopes`` Cognito grants every custom scope the client is allowed.
    """
    form = {"grant_type": "client_credentials"}
    if scopes:
        form["scope"] = " ".join(scopes)
    try:
        with httpx2.Client(timeout=timeout_seconds, transport=transport) as http:
            # Cognito wants the client secret as HTTP Basic auth, not in the form body.
            response = http.post(
                token_endpoint,
                data=form,
                auth=httpx2.BasicAuth(client_id, client_secret),
                headers={"Accept": "application/json"},
            )
    except httpx2.HTTPError as exc:
        raise OpsError(f"could not reach the token endpoint {token_endpoint}: {exc}") from exc
    if response.status_code != 200:
        raise OpsError(f"the token endpoint refused: {_oauth_error(response)}")
    try:
        return TokenResponse.model_validate_json(response.content)
    except ValidationError as exc:
        raise OpsError("the token endpoint answered 200 without a usable access_token") from exc


def _oauth_error(response: httpx2.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, str):
        return f"HTTP {response.status_code}"
    hints = {
        "invalid_client": "wrong client id or secret",
        "invalid_scope": "the client is not allowed that scope",
        "unauthorized_client": "the client is not enabled for client_credentials",
    }
    return f"HTTP {response.status_code} {error}" + (f" ({hints[error]})" if error in hints else "")
