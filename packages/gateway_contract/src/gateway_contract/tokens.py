"""Which verified access tokens count: the claim rules every verifier of ours applies.

The signature and the issuer are the verifying library's job (PyJWT in the interceptor,
FastMCP's ``JWTVerifier`` in the local gateway); what makes a Cognito *access* token acceptable
beyond that is written once here, so the interceptor, the local gateway and the runtime refuse
the same tokens for the same reasons:

- ``exp`` and ``iat`` are required; an expired token, or one issued in the future, is refused;
- ``nbf`` is honoured when present;
- ``token_use`` must be ``access`` (an id token is refused even when it is validly signed);
- ``client_id`` must name one of the allowed app clients (Cognito access tokens carry no ``aud``).

``leeway_s`` absorbs clock skew between the issuer and the verifier.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

DEFAULT_LEEWAY_S = 30


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    # bool is an int in Python; a JSON true is no timestamp.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def access_token_problem(
    claims: Mapping[str, Any],
    *,
    allowed_client_ids: Collection[str],
    now: float,
    leeway_s: float = DEFAULT_LEEWAY_S,
) -> str | None:
    """Why these signature-checked claims are no acceptable access token; ``None`` if they are.

    The reason is short and safe for a log line or a refusal; it never contains the token.
    """
    times: dict[str, float] = {}
    for name in ("exp", "iat"):
        if name not in claims:
            return f"token lacks the {name!r} claim"
        value = _number(claims, name)
        if value is None:
            return f"token claim {name!r} is not a number"
        times[name] = value
    exp, iat = times["exp"], times["iat"]
    if exp <= now - leeway_s:
        return "token has expired"
    if iat > now + leeway_s:
        return "token was issued in the future"
    if "nbf" in claims:
        nbf = _number(claims, "nbf")
        if nbf is None:
            return "token claim 'nbf' is not a number"
        if nbf > now + leeway_s:
            return "token is not valid yet (nbf)"
    if claims.get("token_use") != "access":
        return f"not an access token (token_use={claims.get('token_use')!r})"
    client_id = claims.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        return "token lacks the 'client_id' claim"
    if client_id not in allowed_client_ids:
        return "token was issued to an app client that is not allowed here"
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        return "token lacks the 'sub' claim"
    return None
