"""What a user may do: exactly the Cognito groups for their homes and the accounting writers.

Homes are given as thing names (what `terraform output thing_names` lists), checked against the
environment's things before anything changes; groups come from gateway_contract (`home-<thing>`,
`accounting-writers`), never spelt here. A rights change reaches the user with their next access
token (the token carries `cognito:groups`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
from gateway_contract.rules import home_group, rules

from opsctl.errors import OpsError

if TYPE_CHECKING:
    from types_boto3_cognito_idp import CognitoIdentityProviderClient


@dataclass(frozen=True)
class AccessChange:
    """The rights groups a user gained and lost, and what they hold now."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    groups: tuple[str, ...]


def wanted_groups(homes: Iterable[str], writer: bool, known_things: Sequence[str]) -> set[str]:
    """The groups for these homes (validated thing names) and, for a writer, the writers group."""
    homes = list(homes)
    unknown = sorted(set(homes) - set(known_things))
    if unknown:
        choices = ", ".join(sorted(known_things)) or "none (no homes deployed)"
        raise OpsError(
            f"unknown home(s) {', '.join(unknown)}; this environment's things: {choices}"
        )
    try:
        groups = {home_group(thing) for thing in homes}
    except ValueError as exc:
        raise OpsError(str(exc)) from exc
    if writer:
        groups.add(rules().groups.accounting_writers)
    return groups


def writers_group() -> str:
    return rules().groups.accounting_writers


def is_rights_group(name: str) -> bool:
    """Groups this tool manages; any other group a user is in is left alone."""
    groups = rules().groups
    return name.startswith(groups.home_prefix) or name == groups.accounting_writers


def current_groups(idp: CognitoIdentityProviderClient, pool_id: str, username: str) -> set[str]:
    names: set[str] = set()
    token: str | None = None
    try:
        while True:
            page = (
                idp.admin_list_groups_for_user(
                    UserPoolId=pool_id, Username=username, NextToken=token
                )
                if token
                else idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)
            )
            names |= {g["GroupName"] for g in page.get("Groups", [])}
            token = page.get("NextToken")
            if not token:
                return names
    except idp.exceptions.UserNotFoundException as exc:
        raise OpsError(f"no user {username} in {pool_id}; run `make user-add` first") from exc


def set_access(
    idp: CognitoIdentityProviderClient, pool_id: str, username: str, wanted: set[str]
) -> AccessChange:
    """Make the user's rights groups exactly ``wanted`` (other groups stay as they are)."""
    try:
        held = current_groups(idp, pool_id, username)
        add = sorted(wanted - held)
        remove = sorted(g for g in held - wanted if is_rights_group(g))
        for group in add:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
        for group in remove:
            idp.admin_remove_user_from_group(UserPoolId=pool_id, Username=username, GroupName=group)
    except idp.exceptions.UserNotFoundException as exc:
        raise OpsError(f"no user {username} in {pool_id}; run `make user-add` first") from exc
    except idp.exceptions.ResourceNotFoundException as exc:
        raise OpsError(
            f"a group is missing in {pool_id} (apply the environment first): {exc}"
        ) from exc
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise OpsError(f"changing the groups of {username} failed: {error.get('Code')}") from exc
    return AccessChange(tuple(add), tuple(remove), tuple(sorted(wanted | (held - set(remove)))))
