"""Homes and writer rights as Cognito groups, set by `opsctl user-add` / `user-access` on moto."""

from __future__ import annotations

import pytest
from gateway_contract.rules import home_group, rules
from opsctl.cli import main

HOME, CABIN = "agentcore-mcp-dev-home", "agentcore-mcp-dev-cabin"
THINGS = ["--thing-names", f'["{HOME}", "{CABIN}"]']
WRITERS = rules().groups.accounting_writers


@pytest.fixture
def groups(idp, pool_id: str) -> list[str]:
    """The groups Terraform creates: one per home, the writers, and an unrelated one."""
    names = [home_group(HOME), home_group(CABIN), WRITERS, "ops-oncall"]
    for name in names:
        idp.create_group(GroupName=name, UserPoolId=pool_id)
    return names


def _groups_of(idp, pool_id: str, email: str) -> set[str]:
    page = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=email)
    return {g["GroupName"] for g in page["Groups"]}


def _add(pool_id: str, *extra: str) -> int:
    return main(
        ["user-add", "--email", "ada@example.com", "--user-pool-id", pool_id, *THINGS, *extra]
    )


def test_user_add_assigns_homes_and_writer(idp, pool_id, groups, capsys) -> None:
    assert _add(pool_id, "--homes", f"{HOME},{CABIN}", "--writer", "1") == 0

    assert _groups_of(idp, pool_id, "ada@example.com") == {
        home_group(HOME),
        home_group(CABIN),
        WRITERS,
    }
    assert "next access token" in capsys.readouterr().out


def test_user_add_without_rights_is_a_reader_of_no_home(idp, pool_id, groups) -> None:
    assert _add(pool_id) == 0
    assert _groups_of(idp, pool_id, "ada@example.com") == set()


def test_unknown_home_changes_nothing(idp, pool_id, groups, capsys) -> None:
    # A group name is not a thing name: refused, and no user is created.
    assert _add(pool_id, "--homes", home_group(HOME)) == 1

    err = capsys.readouterr().err
    assert "unknown home" in err
    assert HOME in err
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []


def test_user_access_sets_exactly_the_given_groups(idp, pool_id, groups) -> None:
    assert _add(pool_id, "--homes", HOME, "--writer", "1") == 0
    idp.admin_add_user_to_group(
        UserPoolId=pool_id, Username="ada@example.com", GroupName="ops-oncall"
    )

    args = ["user-access", "--email", "ada@example.com", "--user-pool-id", pool_id, *THINGS]
    assert main([*args, "--homes", CABIN, "--writer", "0"]) == 0
    # Rights groups are exactly the new ones; the unrelated group is left alone.
    assert _groups_of(idp, pool_id, "ada@example.com") == {home_group(CABIN), "ops-oncall"}

    # WRITER omitted keeps the writer right as it is.
    assert main([*args, "--homes", f"{HOME},{CABIN}"]) == 0
    assert _groups_of(idp, pool_id, "ada@example.com") == {
        home_group(HOME),
        home_group(CABIN),
        "ops-oncall",
    }


def test_user_access_for_an_unknown_user_is_a_clear_error(pool_id, groups, capsys) -> None:
    args = ["user-access", "--email", "nobody@example.com", "--user-pool-id", pool_id, *THINGS]
    assert main([*args, "--homes", HOME]) == 1
    assert "run `make user-add` first" in capsys.readouterr().err


def test_writer_flag_takes_only_zero_or_one(pool_id, capsys) -> None:
    with pytest.raises(SystemExit):
        _add(pool_id, "--writer", "yes")
    assert "use 1 or 0" in capsys.readouterr().err
