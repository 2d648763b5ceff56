"""The access-token claim rules every verifier of ours applies (gateway_contract.tokens)."""

from typing import Any

import pytest
from gateway_contract.tokens import access_token_problem
from hypothesis import given, settings
from hypothesis import strategies as st

NOW = 1_800_000_000.0
ALLOWED = ("interactive",)


def claims(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sub": "s-1",
        "client_id": "interactive",
        "token_use": "access",
        "iat": NOW - 60,
        "exp": NOW + 3600,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def problem(**changes: Any) -> str | None:
    return access_token_problem(claims(**changes), allowed_client_ids=ALLOWED, now=NOW)


def test_a_fresh_access_token_of_an_allowed_client_is_accepted():
    assert problem() is None
    assert problem(nbf=NOW - 10) is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"exp": None}, "lacks the 'exp'"),
        ({"iat": None}, "lacks the 'iat'"),
        ({"exp": "later"}, "'exp' is not a number"),
        ({"iat": True}, "'iat' is not a number"),
        ({"exp": NOW - 31}, "expired"),
        ({"iat": NOW + 31}, "issued in the future"),
        ({"nbf": NOW + 31}, "not valid yet"),
        ({"nbf": "soon"}, "'nbf' is not a number"),
        ({"token_use": "id"}, "not an access token"),
        ({"token_use": None}, "not an access token"),
        ({"client_id": "someone-else"}, "not allowed"),
        ({"client_id": None}, "lacks the 'client_id'"),
        ({"sub": ""}, "lacks the 'sub'"),
    ],
)
def test_each_rule_refuses_with_its_reason(changes, reason):
    found = problem(**changes)
    assert found is not None
    assert reason in found


@settings(max_examples=200, deadline=None)
@given(
    exp=st.floats(-7200, 7200),
    iat=st.floats(-7200, 7200),
    nbf=st.one_of(st.none(), st.floats(-7200, 7200)),
)
def test_time_claims_are_accepted_exactly_inside_the_leeway(exp, iat, nbf):
    found = problem(exp=NOW + exp, iat=NOW + iat, nbf=None if nbf is None else NOW + nbf)
    valid = exp > -30 and iat <= 30 and (nbf is None or nbf <= 30)
    assert (found is None) is valid, found
