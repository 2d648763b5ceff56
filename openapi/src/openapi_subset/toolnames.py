"""Tool names: the Gateway lists each operation as `<target>___<operationId>` (devguide
`gateway-tool-naming`), and model APIs take a tool name only if it matches
`^[a-zA-Z0-9_-]{1,64}$` (Anthropic's `tool.name`) - after the MCP host has put its own prefix in
front (Claude Code: `mcp__<server>__<tool>`). The operationId never reaches the API, so it can be
changed safely; these helpers say when it must be and suggest a name that fits."""

from __future__ import annotations

import hashlib
import re

from gateway_contract.rules import rules, valid_tool_name

_INVALID = re.compile(r"[^a-zA-Z0-9_-]+")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[_-]")
_HASH_CHARS = 6


def full_name(target: str, operation_id: str) -> str:
    """The tool name the Gateway lists for `operation_id` behind `target`."""
    return f"{target}{rules().target_separator}{operation_id}"


def budget(target: str | None, host_prefix_length: int) -> int:
    """How many characters an operationId may have so the host's full name stays in the limit."""
    used = host_prefix_length
    if target:
        used += len(target) + len(rules().target_separator)
    return rules().tool_name_max_length - used


def problem(operation_id: str, target: str | None, host_prefix_length: int) -> str | None:
    """Why `operation_id` makes a tool name models reject, or None when it is fine."""
    name = full_name(target, operation_id) if target else operation_id
    limit = rules().tool_name_max_length
    if not valid_tool_name(name[:limit]):
        return f"tool name {name!r} has characters outside A-Z a-z 0-9 _ -"
    length = len(name) + host_prefix_length
    if length > limit:
        prefix = f" with a {host_prefix_length}-character host prefix" if host_prefix_length else ""
        return f"tool name {name!r} is {length} characters{prefix}; the limit is {limit}"
    return None


def sanitise(operation_id: str) -> str:
    """`operation_id` with every run of characters a tool name cannot hold replaced by `_`."""
    return _INVALID.sub("_", operation_id).strip("_") or "operation"


def shorten(name: str, limit: int) -> str:
    """A readable name of at most `limit` characters: words abbreviated longest first, then cut
    with a short hash so different long names stay different."""
    if len(name) <= limit:
        return name
    tokens = _WORDS.findall(name)
    if "".join(tokens) == name:
        # Abbreviate the longest word (never the first, usually the verb) to four letters.
        while len("".join(tokens)) > limit:
            words = [i for i, tok in enumerate(tokens) if i > 0 and len(tok) > 4]
            if not words:
                break
            longest = max(words, key=lambda i: len(tokens[i]))
            tokens[longest] = tokens[longest][:4]
        short = "".join(tokens)
        if len(short) <= limit:
            return short
    digest = hashlib.sha256(name.encode()).hexdigest()[:_HASH_CHARS]
    return f"{name[: max(limit - _HASH_CHARS - 1, 1)]}_{digest}"[:limit]
