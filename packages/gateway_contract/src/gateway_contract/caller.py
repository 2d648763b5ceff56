"""The caller of a tool, as the request interceptor derives it from the verified access token.

Identity is only ever built from a token that was verified (signature, issuer, expiry, client,
``token_use``); nothing here parses or trusts a token itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gateway_contract.rules import rules


class InvalidCaller(ValueError):
    """What arrived as a caller is missing or malformed."""


class Caller(BaseModel):
    """Who is calling: Cognito ``sub``, ``username``, ``cognito:groups`` and the app client."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    sub: str = Field(min_length=1, max_length=256)
    username: str = Field(min_length=1, max_length=256)
    groups: tuple[str, ...] = ()
    client_id: str = Field(min_length=1, max_length=256)

    @field_validator("groups", mode="before")
    @classmethod
    def _groups_are_a_list(cls, value: object) -> object:
        # JSON has lists, not tuples; a bare string must not turn into a tuple of letters.
        if isinstance(value, list):
            return tuple(value)
        return value

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Caller:
        """From verified Cognito access-token claims (``username`` falls back to ``sub``)."""
        groups = claims.get("cognito:groups") or []
        if not isinstance(groups, list):
            raise InvalidCaller("cognito:groups is not a list")
        try:
            return cls(
                sub=str(claims["sub"]),
                username=str(claims.get("username") or claims["sub"]),
                groups=[str(g) for g in groups],  # type: ignore[arg-type]  # the validator makes it a tuple
                client_id=str(claims["client_id"]),
            )
        except (KeyError, ValidationError) as exc:
            raise InvalidCaller(f"claims do not name a caller: {exc}") from exc

    @classmethod
    def from_argument(cls, value: object) -> Caller:
        """From the value the interceptor put under the caller argument."""
        if not isinstance(value, Mapping):
            raise InvalidCaller("the caller argument is not an object")
        try:
            return cls.model_validate(dict(value))
        except ValidationError as exc:
            raise InvalidCaller(f"the caller argument is malformed: {exc}") from exc

    def as_argument(self) -> dict[str, Any]:
        """JSON-ready value for the caller argument."""
        return {**self.model_dump(), "groups": list(self.groups)}

    @property
    def homes(self) -> frozenset[str]:
        """Thing names of the homes this caller may see and control."""
        return homes_of(self.groups)

    @property
    def is_accounting_writer(self) -> bool:
        """True when the caller may use the accounting write tools."""
        return rules().groups.accounting_writers in self.groups


def homes_of(groups: Iterable[str]) -> frozenset[str]:
    """Thing names named by ``home-<thing>`` groups (group names are case-sensitive)."""
    prefix = rules().groups.home_prefix
    return frozenset(
        g[len(prefix) :] for g in groups if g.startswith(prefix) and len(g) > len(prefix)
    )


def pop_caller(arguments: dict[str, Any]) -> object:
    """Remove the caller argument from ``arguments``; its raw value, or ``None`` when absent."""
    return arguments.pop(rules().caller.argument, None)
