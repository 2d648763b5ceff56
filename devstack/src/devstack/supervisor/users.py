"""The devstack's demo users: who they are, what they may do, whose accounting data they see.

Each user has their own sandbox API token and organisation (``SANDBOX_API_TOKENS`` entries
``token=organisation``, contract C6), stored as the secret ``<prefix>/<sub>`` the runtime reads in
``per_user`` mode, so two users' accounting calls visibly see different data.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway_contract.rules import home_group, rules

from devstack.gateway.auth import user_sub


@dataclass(frozen=True)
class DemoUser:
    """One local user: name, Cognito-style groups, and the sandbox organisation they work in."""

    name: str
    groups: tuple[str, ...]

    @property
    def sub(self) -> str:
        """The stable ``sub`` their tokens carry (and their secret's name ends in)."""
        return user_sub(self.name)

    @property
    def organisation(self) -> str:
        return f"org-{self.name}"

    @property
    def api_token(self) -> str:
        """Their sandbox API token (local demo data only)."""
        return f"devstack-{self.name}-api-token"


# Readers with their own organisation, for the multi-user throughput benchmark.
READERS = ("carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")


def demo_users(thing_name: str) -> tuple[DemoUser, ...]:
    """alice: her home and accounting writes; bob: nothing but reads; then the readers."""
    alice = DemoUser("alice", (home_group(thing_name), rules().groups.accounting_writers))
    bob = DemoUser("bob", ())
    return (alice, bob, *(DemoUser(name, ()) for name in READERS))


def sandbox_tokens(default_token: str, users: tuple[DemoUser, ...]) -> str:
    """``SANDBOX_API_TOKENS``: the default organisation's token, then one per user."""
    return ",".join([default_token, *(f"{u.api_token}={u.organisation}" for u in users)])
