"""Who is calling, decided per request from verified tokens only (contract C3).

FastMCP's auth has already verified the bearer token (``get_access_token()``). On the direct
runtime URL that token is the caller's own, and it decides; a caller header is ignored there, so a
client cannot claim to be someone else by sending it. When the bearer token belongs to the
Gateway's own app client (``MCP_RUNTIME_GATEWAY_CLIENT_IDS``), the Gateway is calling for a user:
the caller header then carries that user's raw access token, which is verified with the same
verifier and must come from an interactive client. A Gateway call without a valid caller header is
refused (fail closed), never served with anyone's credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol

from fastmcp.server.auth import AccessToken
from fastmcp.server.dependencies import get_access_token, get_http_headers, get_http_request
from gateway_contract.caller import Caller, InvalidCaller
from gateway_contract.rules import rules
from starlette.requests import Request

from mcp_runtime.verifier import CognitoAccessTokenVerifier

log = logging.getLogger(__name__)

Via = Literal["direct", "gateway", "static"]

NO_SIGN_IN = (
    "This server needs your sign-in: no verified access token reached it. Connect through the "
    "Gateway or the runtime URL with your Cognito login."
)
GATEWAY_WITHOUT_CALLER = (
    "The Gateway forwarded this call without the caller's identity, so it is refused: no shared "
    "credentials are ever used. The Gateway's request interceptor must set the caller header."
)
CALLER_NOT_VERIFIED = (
    "The caller identity the Gateway forwarded could not be verified (expired, or not issued to "
    "an interactive client of this user pool); sign in again and retry."
)


class CallerRefused(Exception):
    """No caller can be established for this request; the message is for the caller."""


@dataclass(frozen=True)
class Identified:
    """The outcome of identifying a request: its caller (or why there is none) and the path."""

    caller: Caller | None
    via: Via
    refusal: str | None = None


class Identity(Protocol):
    """What the tools ask about the current request's caller."""

    async def identify(self) -> Identified: ...

    async def may_write(self) -> bool:
        """Whether the caller may use the accounting write tools."""
        ...

    async def lists_writes(self) -> bool:
        """Whether ``tools/list`` shows the write tools to this request."""
        ...


class StaticIdentity:
    """Development only (static credentials): no identity; the token's owner is the only user,
    so writes are allowed."""

    async def identify(self) -> Identified:
        return Identified(caller=None, via="static")

    async def may_write(self) -> bool:
        return True

    async def lists_writes(self) -> bool:
        return True


class TokenIdentity:
    """The caller from the verified bearer token, or from the Gateway's caller header."""

    def __init__(
        self,
        verifier: CognitoAccessTokenVerifier,
        *,
        interactive_client_ids: Collection[str],
        gateway_client_ids: Collection[str],
    ) -> None:
        overlap = set(interactive_client_ids) & set(gateway_client_ids)
        if overlap:
            # A client in both lists could forward any identity it likes as a "user".
            raise ValueError("a gateway client id must not also be an interactive client id")
        self._verifier = verifier
        self._interactive = frozenset(interactive_client_ids)
        self._gateway = frozenset(gateway_client_ids)
        self._header = rules().caller.runtime_header.lower()

    async def identify(self) -> Identified:
        # tools/list and tools/call may both ask; one verification per HTTP request is enough.
        request = _current_request()
        memo = getattr(request.state, "mcp_runtime_identified", None) if request else None
        if isinstance(memo, Identified):
            return memo
        identified = await self._identify()
        if request is not None:
            request.state.mcp_runtime_identified = identified
        return identified

    async def may_write(self) -> bool:
        identified = await self.identify()
        return identified.caller is not None and identified.caller.is_accounting_writer

    async def lists_writes(self) -> bool:
        identified = await self.identify()
        if identified.via == "gateway" and identified.refusal == GATEWAY_WITHOUT_CALLER:
            # The Gateway lists a target's tools with its own client and no user when it syncs
            # the target (implicit synchronisation); its response interceptor filters per user.
            # Listing a tool grants nothing: every call is checked again.
            return True
        return await self.may_write()

    async def _identify(self) -> Identified:
        bearer = get_access_token()
        if bearer is None:
            return Identified(caller=None, via="direct", refusal=NO_SIGN_IN)
        forwarded = get_http_headers().get(self._header)
        if bearer.client_id not in self._gateway:
            if forwarded:
                log.info("caller header ignored: the bearer token is not the Gateway's client")
            return _from_token(bearer, "direct")
        if not forwarded:
            log.warning("gateway call without a caller header refused")
            return Identified(caller=None, via="gateway", refusal=GATEWAY_WITHOUT_CALLER)
        forwarded_token = await self._verifier.verify_token(forwarded)
        if forwarded_token is None or forwarded_token.client_id not in self._interactive:
            log.warning("gateway call with an unverifiable caller header refused")
            return Identified(caller=None, via="gateway", refusal=CALLER_NOT_VERIFIED)
        return _from_token(forwarded_token, "gateway")


def caller_of(identified: Identified) -> Caller | None:
    """The caller, or ``CallerRefused`` with the reason there is none (static mode: None)."""
    if identified.refusal is not None:
        raise CallerRefused(identified.refusal)
    return identified.caller


def _from_token(token: AccessToken, via: Via) -> Identified:
    try:
        caller = Caller.from_claims({**token.claims, "client_id": token.client_id})
    except InvalidCaller:
        log.warning("verified token does not name a caller")
        return Identified(caller=None, via=via, refusal=CALLER_NOT_VERIFIED)
    return Identified(caller=caller, via=via)


def _current_request() -> Request | None:
    try:
        return get_http_request()
    except RuntimeError:
        return None
