"""Which organisation an API token belongs to: ``tokA=org-a,tokB=org-b`` (contract C6).

A deployment of the real API serves many organisations and a token sees only its own; the sandbox
does the same with one SQLite file per organisation, so two users' calls visibly see different
data. A token given without ``=<organisation>`` belongs to the default organisation, whose data
is the sandbox's classic demo set.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path

DEFAULT_ORGANISATION = "default"
_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


class InvalidTokenSpec(ValueError):
    """A token entry that is empty or names an organisation the sandbox cannot use."""


def parse_tokens(entries: Collection[str]) -> dict[str, str]:
    """``{token: organisation}`` from ``"<token>"`` / ``"<token>=<organisation>"`` entries.

    Blank entries are skipped (a trailing comma in the environment is harmless); a token listed
    twice for two organisations is refused, since it could only ever see one of them.
    """
    grants: dict[str, str] = {}
    for entry in entries:
        token, sep, organisation = entry.strip().partition("=")
        token, organisation = token.strip(), organisation.strip()
        if not token:
            if sep:
                raise InvalidTokenSpec("a token entry has an organisation but no token")
            continue
        organisation = organisation if sep else DEFAULT_ORGANISATION
        if not _NAME.fullmatch(organisation):
            raise InvalidTokenSpec(
                f"organisation {organisation!r} must be 1-40 lower-case letters, digits or '-'"
            )
        if grants.get(token, organisation) != organisation:
            raise InvalidTokenSpec("a token is listed for two organisations")
        grants[token] = organisation
    return grants


def database_path(db_path: Path, organisation: str) -> Path:
    """Where an organisation's data lives: ``db_path`` itself for the default organisation,
    ``<stem>.<organisation><suffix>`` next to it for the others."""
    if organisation == DEFAULT_ORGANISATION:
        return db_path
    return db_path.with_name(f"{db_path.stem}.{organisation}{db_path.suffix}")


def organisations(grants: Mapping[str, str]) -> list[str]:
    """The organisations named by the grants, each once, in a stable order."""
    return sorted(set(grants.values()))
