"""A small offline IAM evaluator: identity policies plus an optional permissions boundary.

Why our own: moto's ``iam/access_control.py`` matches ``*`` only (no ``?``), ignores
``NotResource`` and boundaries; policyuniverse expands wildcards but does not evaluate. This
covers the part of AWS's evaluation logic the pipeline roles use, for one account:

* an explicit Deny in any policy (identity or boundary) wins;
* otherwise the request needs an Allow in an identity policy AND, when a boundary is set, an
  Allow in the boundary (AWS IAM User Guide, "Policy evaluation logic" and "Permissions
  boundaries for IAM entities": the effective permissions are the intersection);
* ``Action``/``NotAction`` match case-insensitively, ``Resource``/``NotResource`` case-sensitively,
  both with the ``*`` and ``?`` wildcards;
* conditions: the String*, Arn*, Bool and Null operators, ``...IfExists``, and the
  ``ForAnyValue:``/``ForAllValues:`` set qualifiers. Several keys in one operator and several
  operators in one block are ANDed; several values for one key are ORed. A key missing from the
  request context fails a positive operator and satisfies a negated one ("Not..."), as AWS's
  reference for condition operators describes; ``IfExists`` makes a missing key pass.

Not covered (not used by our policies): policy variables, Numeric/Date/IpAddress/Binary
operators, resource-based policies, SCPs, session policies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any

Context = Mapping[str, str | Sequence[str]]


class Decision(Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"
    BOUNDARY_DENY = "not allowed by the permissions boundary"


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Context = field(default_factory=dict)


@cache
def _pattern(glob: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(glob: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcard matching: ``*`` any run of characters, ``?`` exactly one."""
    return bool(_pattern(glob, ignore_case).match(value))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def statements(policy: str | Mapping[str, Any]) -> list[dict[str, Any]]:
    """The statements of a policy document (JSON text or parsed)."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    return [dict(s) for s in _as_list(doc["Statement"])]


def _any_match(globs: Iterable[str], value: str, *, ignore_case: bool) -> bool:
    return any(wildcard_match(g, value, ignore_case=ignore_case) for g in globs)


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not _any_match(_as_list(statement["NotAction"]), action, ignore_case=True)
    return _any_match(_as_list(statement.get("Action")), action, ignore_case=True)


def _resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not _any_match(_as_list(statement["NotResource"]), resource, ignore_case=False)
    return _any_match(_as_list(statement.get("Resource")), resource, ignore_case=False)


def _value_matches(base: str, wanted: str, actual: str) -> bool:
    if base in ("StringEquals", "ArnEquals"):
        return wanted == actual
    if base == "StringEqualsIgnoreCase":
        return wanted.lower() == actual.lower()
    if base in ("StringLike", "ArnLike"):
        return wildcard_match(wanted, actual)
    if base == "Bool":
        return wanted.lower() == actual.lower()
    raise ValueError(f"condition operator {base!r} is not supported by this evaluator")


_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _condition_holds(operator: str, key: str, wanted: list[str], context: Context) -> bool:
    qualifier, _, op = operator.rpartition(":")
    if_exists = op.endswith("IfExists")
    op = op.removesuffix("IfExists")
    present = key in context
    actual = [str(v) for v in _as_list(context.get(key))]
    if op == "Null":
        return (not present) == (wanted[0].lower() == "true")
    if not present:
        if if_exists:
            return True
        # ForAllValues over an empty set is true; negated operators hold for a missing key.
        return qualifier == "ForAllValues" or op in _NEGATED
    negated = op in _NEGATED
    base = _NEGATED.get(op, op)

    def one(value: str) -> bool:
        return any(_value_matches(base, w, value) for w in wanted)

    if qualifier == "ForAllValues":
        result = all(one(v) for v in actual)
    else:  # ForAnyValue, or a single-valued key
        result = any(one(v) for v in actual)
    return not result if negated else result


def _conditions_hold(statement: Mapping[str, Any], context: Context) -> bool:
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, wanted in keys.items():
            if not _condition_holds(operator, key, [str(w) for w in _as_list(wanted)], context):
                return False
    return True


def _applies(statement: Mapping[str, Any], request: Request) -> bool:
    return (
        _action_matches(statement, request.action)
        and _resource_matches(statement, request.resource)
        and _conditions_hold(statement, request.context)
    )


def _effects(policies: Iterable[Mapping[str, Any]], request: Request) -> set[str]:
    return {s.get("Effect", "Allow") for s in policies if _applies(s, request)}


def evaluate(
    identity: Sequence[Mapping[str, Any]],
    request: Request,
    boundary: Sequence[Mapping[str, Any]] | None = None,
) -> Decision:
    """The decision for ``request`` made by a principal with these statements."""
    granted = _effects(identity, request)
    bounded = _effects(boundary, request) if boundary is not None else {"Allow"}
    if "Deny" in granted or "Deny" in bounded:
        return Decision.EXPLICIT_DENY
    if "Allow" not in granted:
        return Decision.IMPLICIT_DENY
    if "Allow" not in bounded:
        return Decision.BOUNDARY_DENY
    return Decision.ALLOW
