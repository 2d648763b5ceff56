import json
from pathlib import Path

import pytest
from gateway_contract.caller import Caller, InvalidCaller, homes_of, pop_caller
from gateway_contract.rules import (
    InvalidToolName,
    full_tool_name,
    gateway_json_path,
    home_group,
    max_thing_name_length,
    rules,
    split_tool_name,
    valid_target_name,
    valid_tool_name,
)


def test_the_file_and_the_model_agree():
    raw = json.loads(Path(gateway_json_path()).read_text(encoding="utf-8"))
    assert rules().model_dump(mode="json", by_alias=True) == raw


def test_tool_names_join_and_split_at_the_first_separator():
    assert full_tool_name("home", "turn_on") == "home___turn_on"
    assert split_tool_name("home___turn_on") == ("home", "turn_on")
    # A tool whose own name holds the separator still splits at the target's.
    assert split_tool_name("acct___get___x") == ("acct", "get___x")
    assert split_tool_name("turn_on") == ("", "turn_on")


def test_a_tool_name_over_the_limit_is_refused():
    with pytest.raises(InvalidToolName, match="limit is 64"):
        full_tool_name("t" * 40, "x" * 22)
    assert len(full_tool_name("t" * 40, "x" * 21)) == 64


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("accounting-api", True),
        ("home", True),
        ("a1-b2", True),
        ("x" * 100, True),
        ("x" * 101, False),
        ("accounting_api", False),
        ("a--b", False),
        ("-a", False),
        ("", False),
    ],
)
def test_target_names_follow_the_gateway_pattern(name, valid):
    assert valid_target_name(name) is valid


def test_tool_names_follow_the_model_api_pattern():
    assert valid_tool_name("accounting-api___getContacts")
    assert not valid_tool_name("api-keys/list")
    assert not valid_tool_name("x" * 65)
    # The length in the pattern is the limit, written once in gateway.json.
    assert str(rules().tool_name_max_length) in rules().tool_name_pattern


def test_home_groups_fit_cognitos_limit():
    assert home_group("devstack-home") == "home-devstack-home"
    assert max_thing_name_length() == 123
    assert len(home_group("a" * 123)) == 128
    with pytest.raises(ValueError, match="over 128"):
        home_group("a" * 124)
    with pytest.raises(ValueError):
        home_group("")


def test_homes_come_only_from_prefixed_groups_case_sensitively():
    groups = ["home-a", "Home-b", "home-", "accounting-writers", "homes-c", "home-d"]
    assert homes_of(groups) == {"a", "d"}


def test_caller_from_verified_claims():
    caller = Caller.from_claims(
        {"sub": "s-1", "username": "alice", "cognito:groups": ["home-x"], "client_id": "c"}
    )
    assert caller.homes == {"x"}
    assert not caller.is_accounting_writer
    # Client-credentials tokens carry no username and no groups.
    m2m = Caller.from_claims({"sub": "c", "client_id": "c"})
    assert m2m.username == "c"
    assert m2m.groups == ()


def test_caller_round_trips_through_the_argument():
    caller = Caller(sub="s", username="u", groups=("accounting-writers",), client_id="c")
    value = json.loads(json.dumps(caller.as_argument()))
    assert Caller.from_argument(value) == caller
    assert Caller.from_argument(value).is_accounting_writer


@pytest.mark.parametrize(
    "value",
    [
        None,
        "alice",
        [],
        {},
        {"sub": "s", "username": "u", "client_id": "c", "groups": "home-x"},
        {"sub": "s", "username": "u", "client_id": "c", "admin": True},
        {"sub": 1, "username": "u", "client_id": "c"},
        {"sub": "", "username": "u", "client_id": "c"},
    ],
)
def test_a_malformed_caller_argument_is_refused(value):
    with pytest.raises(InvalidCaller):
        Caller.from_argument(value)


def test_pop_caller_removes_the_argument():
    args = {"device": "lamp", "_caller": {"sub": "s"}}
    assert pop_caller(args) == {"sub": "s"}
    assert args == {"device": "lamp"}
    assert pop_caller(args) is None


def test_target_names_and_write_tools_make_valid_gateway_names():
    from gateway_contract.rules import accounting_write_tools

    targets = rules().targets
    assert (targets.home, targets.accounting, targets.accounting_api) == (
        "home",
        "accounting",
        "accounting-api",
    )
    assert accounting_write_tools() == ("accounting___create_contact",)
