"""Clear refusals: bad input is answered in words that name the field and what it takes.

FastMCP validates tool arguments with pydantic (strict JSON mode here, so ``true`` is no id and
``"50"`` no number, while ``"2024-01-02"`` is still a date) and turns a failure into
``fastmcp.exceptions.ValidationError`` whose text is pydantic's own (class names, an
errors.pydantic.dev link). ``ClearRefusals`` (middleware.py) replaces it with ``describe``'s
sentence, built from the tool's input schema. Every refusal is short (``MAX_LENGTH``), holds no
traceback, no class or module name.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastmcp.exceptions import ToolError
from pydantic_core import ErrorDetails

MAX_LENGTH = 300

_MISSING = frozenset({"missing", "missing_argument", "missing_keyword_only_argument"})
_UNKNOWN = frozenset({"unexpected_keyword_argument", "extra_forbidden"})


class InvalidInput(ToolError):
    """The call's arguments are refused; nothing was asked of the API, nothing changed."""

    def __init__(self, message: str) -> None:
        super().__init__(shorten(message), log_level=logging.INFO)


def shorten(text: str) -> str:
    """At most ``MAX_LENGTH`` characters, cut at a word with an ellipsis."""
    if len(text) <= MAX_LENGTH:
        return text
    return text[: MAX_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def describe(errors: Sequence[ErrorDetails], schema: Mapping[str, Any]) -> str:
    """One sentence for the first problem (and how many more there are)."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    first = errors[0]
    field = ".".join(str(part) for part in first["loc"]) or "the arguments"
    prop = properties.get(str(first["loc"][0])) if first["loc"] else None
    if first["type"] in _UNKNOWN:
        sentence = f"{field} is not an argument of this tool; it takes {', '.join(properties)}."
    elif first["type"] in _MISSING:
        sentence = f"{field} is required: {allowed(prop)}." if prop else f"{field} is required."
    else:
        given = _kind(first.get("input"))
        sentence = (
            f"{field} must be {allowed(prop)} (got {given})."
            if prop
            else (f"{field} is not valid here (got {given}).")
        )
    more = len(errors) - 1
    if more:
        sentence += (
            " 1 more argument is wrong too."
            if more == 1
            else (f" {more} more arguments are wrong too.")
        )
    return shorten(sentence)


def allowed(prop: Mapping[str, Any] | None) -> str:
    """What a JSON-schema property takes, in words."""
    if not prop:
        return "a valid value"
    options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
    if options:
        # Optional arguments are "X | null" in the schema; leaving them out is the usual way.
        words = " or ".join(allowed(o) for o in options)
        return f"{words}, or left out"
    if "enum" in prop:
        return "one of " + ", ".join(str(v) for v in prop["enum"])
    kind = prop.get("type")
    if kind == "integer":
        return "a whole number" + _range(prop.get("minimum"), prop.get("maximum"))
    if kind == "number":
        return "a number" + _range(prop.get("minimum"), prop.get("maximum"))
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        if prop.get("format") == "date":
            return "a date as YYYY-MM-DD"
        low, high = prop.get("minLength"), prop.get("maxLength")
        length = f" of {low or 0} to {high} characters" if high else ""
        blank = ", not blank" if prop.get("pattern") == r"\S" else ""
        return f"text{length}{blank}"
    if kind == "array":
        return "a list"
    if kind == "object":
        return "an object"
    return "a valid value"


def _range(low: object, high: object) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    if high is not None:
        return f" of at most {high}"
    return ""


def _kind(value: object) -> str:
    """What was sent: short numbers as themselves, anything else by its JSON kind (text is never
    echoed: it may be huge or hostile)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        shown = repr(value)
        return shown if len(shown) <= 20 else "a number"
    if isinstance(value, str):
        return "blank text" if not value.strip() else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "something else"
