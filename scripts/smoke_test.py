#!/usr/bin/env python3
"""Post-deploy smoke test: the Gateway and the Runtime answer an automation caller as they should.

    MCP_TOKEN=$(make -s token ENV=dev) python scripts/smoke_test.py \
        --gateway-url https://…/mcp --runtime-url 'https://…/invocations?qualifier=DEFAULT'

The token (an M2M access token) comes from the environment so it never shows in a process list or
a CI log. Such a caller has no person behind it and no groups, so per endpoint the checks are:
``tools/list`` answers with at least one tool, and lists none of the tools a caller without groups
must not see (the smart-home target's and the accounting write tools: the Gateway interceptor's
filter is live); ``--gateway-tool`` / ``--runtime-tool`` also call one tool that needs no person
(e.g. a read of the OpenAPI target). Exit status: 0 when every check passed, 1 when one failed
(each failure is one line on stderr saying which endpoint and what went wrong), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway_contract.rules import accounting_write_tools, rules, split_tool_name


def hidden_from_automation() -> tuple[str, ...]:
    """Tools (``…___`` = a whole target) the Gateway must not list to a caller with no groups."""
    return (f"{rules().targets.home}{rules().target_separator}", *accounting_write_tools())


def wrongly_listed(hidden: Sequence[str], available: Sequence[str]) -> list[str]:
    """The listed tools that ``hidden`` names (exactly, or by a target prefix ending in ``___``)."""
    whole = {split_tool_name(h)[0] for h in hidden if h.endswith(rules().target_separator)}
    return sorted(
        name for name in available if name in hidden or split_tool_name(name)[0] in whole - {""}
    )


@dataclass(frozen=True)
class Check:
    """One endpoint to probe: where, what it must not list, and which tool (if any) to call."""

    label: str
    url: str
    tool: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()


class SmokeFailure(Exception):
    """A check failed; the message is what the operator reads."""


def resolve_tool(wanted: str, available: Sequence[str]) -> str:
    """The exact tool name, or the one Gateway-prefixed name that ends in ``___<wanted>``."""
    if wanted in available:
        return wanted
    prefixed = [name for name in available if split_tool_name(name)[1] == wanted]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(prefixed) > 1:
        raise SmokeFailure(f"tool {wanted!r} is ambiguous: {', '.join(sorted(prefixed))}")
    raise SmokeFailure(f"tool {wanted!r} is not listed (tools: {', '.join(sorted(available))})")


def error_in_result(result: Any) -> str | None:
    """The error a tool reported, whether as an MCP error or as an ``{"error": …}`` answer."""
    text = " ".join(getattr(block, "text", "") for block in result.content).strip()
    if result.is_error:
        return text or "the tool reported an error without a message"
    structured = result.structured_content
    # Gateway Lambda targets answer domain errors as plain JSON `{"error": "…"}`.
    if isinstance(structured, dict) and structured.get("error"):
        return str(structured["error"])
    return None


class HttpErrors:
    """Remembers the HTTP errors of one endpoint: the MCP client reports a 401 only as a
    generic protocol error, and "HTTP 401 (invalid_token)" is what the operator needs to read."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def record(self, response: Any) -> None:
        if response.status_code >= 400:
            challenge = response.headers.get("www-authenticate", "")
            detail = f" ({challenge})" if challenge else ""
            self.seen.append(f"HTTP {response.status_code}{detail}")

    def client_factory(self) -> Any:
        """An ``httpx_client_factory`` for the MCP transport that reports into this object."""
        import httpx2

        def factory(
            headers: dict[str, str] | None = None,
            timeout: Any = None,
            auth: Any = None,
            **options: Any,  # e.g. follow_redirects, passed by fastmcp's transport
        ) -> Any:
            return httpx2.AsyncClient(
                headers=headers,
                timeout=timeout or httpx2.Timeout(30.0, read=300.0),
                auth=auth,
                event_hooks={"response": [self.record]},
                **options,
            )

        return factory


async def probe(check: Check, token: str, request_timeout: float) -> str:
    """List the tools of one endpoint, check the hidden ones, call its tool; a one-line summary."""
    from fastmcp import Client
    from fastmcp.client.transports import StreamableHttpTransport

    errors = HttpErrors()
    transport = StreamableHttpTransport(
        check.url, auth=token, httpx_client_factory=errors.client_factory()
    )
    try:
        async with Client(
            transport, timeout=request_timeout, init_timeout=request_timeout
        ) as client:
            tools = [tool.name for tool in await client.list_tools()]
            if not tools:
                raise SmokeFailure("tools/list returned no tools")
            shown = wrongly_listed(check.hidden, tools)
            if shown:
                raise SmokeFailure(
                    "tools/list shows a caller without groups tools it may not use: "
                    f"{', '.join(shown)} (is the interceptor attached?)"
                )
            if check.tool is None:
                return f"{len(tools)} tools, none it may not use"
            name = resolve_tool(check.tool, tools)
            result = await client.call_tool(name, check.arguments, raise_on_error=False)
    except SmokeFailure:
        raise
    except Exception as exc:  # any transport/auth/protocol failure is this check's answer
        http = f" after {', '.join(dict.fromkeys(errors.seen))}" if errors.seen else ""
        raise SmokeFailure(f"{type(exc).__name__}{http}: {exc}") from exc
    error = error_in_result(result)
    if error is not None:
        raise SmokeFailure(f"{name} answered with an error: {error}")
    return f"{len(tools)} tools, {name} answered"


async def run(checks: Sequence[Check], token: str, request_timeout: float) -> list[str]:
    """Probe every endpoint concurrently; the failures, one line each (empty when all passed)."""
    outcomes = await asyncio.gather(
        *(probe(c, token, request_timeout) for c in checks), return_exceptions=True
    )
    failures = []
    for check, outcome in zip(checks, outcomes, strict=True):
        if isinstance(outcome, SmokeFailure):
            failures.append(f"FAIL {check.label} ({check.url}): {outcome}")
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            print(f"ok   {check.label}: {outcome}")
    return failures


def json_object(text: str) -> dict[str, Any]:
    """argparse type: a JSON object of tool arguments."""
    value = json.loads(text)
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("tool arguments must be a JSON object")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway-url", help="MCP URL of the AgentCore Gateway")
    parser.add_argument("--runtime-url", help="MCP URL (invocation URL) of the AgentCore Runtime")
    parser.add_argument(
        "--gateway-tool", help="also call this Gateway tool (one an automation caller may use)"
    )
    parser.add_argument("--gateway-args", type=json_object, default={}, metavar="JSON")
    parser.add_argument(
        "--runtime-tool", help="also call this Runtime tool (one an automation caller may use)"
    )
    parser.add_argument("--runtime-args", type=json_object, default={}, metavar="JSON")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    args = parser.parse_args(argv)
    if not (args.gateway_url or args.runtime_url):
        parser.error("give --gateway-url, --runtime-url or both")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    token = os.environ.get("MCP_TOKEN", "").strip()
    if not token:
        print("MCP_TOKEN is not set: export an access token (make token ENV=…)", file=sys.stderr)
        return 2
    checks = []
    if args.gateway_url:
        checks.append(
            Check(
                "gateway",
                args.gateway_url,
                args.gateway_tool,
                args.gateway_args,
                hidden=hidden_from_automation(),
            )
        )
    if args.runtime_url:
        checks.append(Check("runtime", args.runtime_url, args.runtime_tool, args.runtime_args))
    failures = asyncio.run(run(checks, token, args.timeout))
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
