"""The offline IAM evaluator the pipeline-role tests use: wildcards, Not*, conditions, boundary."""

from __future__ import annotations

import fnmatch
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from iam_eval import Decision, Request, evaluate, wildcard_match

ARN = "arn:aws:iam::123456789012:role/agentcore-mcp-dev-gateway"


def allow(**statement):
    return {"Effect": "Allow", **statement}


def deny(**statement):
    return {"Effect": "Deny", **statement}


def decide(identity, action="iam:CreateRole", resource=ARN, context=None, boundary=None):
    return evaluate(identity, Request(action, resource, context or {}), boundary)


@pytest.mark.parametrize(
    ("glob", "value", "matches"),
    [
        ("role/agentcore-mcp-dev*", "role/agentcore-mcp-dev-gateway", True),
        ("role/agentcore-mcp-dev*", "role/agentcore_mcp_dev-runtime", False),
        ("role/agentcore-mcp-de?-x", "role/agentcore-mcp-dev-x", True),
        ("role/agentcore-mcp-de?-x", "role/agentcore-mcp-de-x", False),
        ("a.b", "aXb", False),  # regex metacharacters are literal
        ("*", "", True),
    ],
)
def test_wildcards(glob: str, value: str, matches: bool) -> None:
    assert wildcard_match(glob, value) is matches


# fnmatch has the same * and ? semantics once [ ] classes are out of the alphabet.
ALPHABET = string.ascii_letters + string.digits + "-_/:.*?"


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=12), st.text(ALPHABET.replace("*", "").replace("?", "")))
def test_wildcards_agree_with_fnmatch(glob: str, value: str) -> None:
    assert wildcard_match(glob, value) == fnmatch.fnmatchcase(value, glob)


def test_actions_ignore_case_resources_do_not() -> None:
    assert decide([allow(Action="IAM:createrole", Resource=ARN)]) is Decision.ALLOW
    assert decide([allow(Action="iam:CreateRole", Resource=ARN.upper())]) is Decision.IMPLICIT_DENY


def test_not_action_and_not_resource() -> None:
    everything_but_iam = allow(NotAction="iam:*", Resource="*")
    assert decide([everything_but_iam]) is Decision.IMPLICIT_DENY
    assert decide([everything_but_iam], action="logs:CreateLogGroup") is Decision.ALLOW
    not_prod = allow(Action="iam:*", NotResource="arn:aws:iam::*:role/*-prod-*")
    assert decide([not_prod]) is Decision.ALLOW
    assert decide([not_prod], resource=ARN.replace("dev", "prod")) is Decision.IMPLICIT_DENY


def test_explicit_deny_wins_over_allow() -> None:
    policies = [allow(Action="*", Resource="*"), deny(Action="iam:CreateRole", Resource=ARN)]
    assert decide(policies) is Decision.EXPLICIT_DENY


def test_boundary_intersects_and_its_deny_counts() -> None:
    identity = [allow(Action="iam:*", Resource="*")]
    assert decide(identity, boundary=[allow(Action="logs:*", Resource="*")]) is (
        Decision.BOUNDARY_DENY
    )
    assert decide(identity, boundary=[allow(Action="iam:*", Resource="*")]) is Decision.ALLOW
    assert decide(
        identity, boundary=[allow(Action="*", Resource="*"), deny(Action="iam:*", Resource=ARN)]
    ) is (Decision.EXPLICIT_DENY)
    # A boundary alone grants nothing.
    assert decide([], boundary=[allow(Action="*", Resource="*")]) is Decision.IMPLICIT_DENY


BOUNDARY_ARN = "arn:aws:iam::123456789012:policy/agentcore-mcp-ci-dev-workload-boundary"
NEEDS_BOUNDARY = allow(
    Action="iam:CreateRole",
    Resource=ARN,
    Condition={"StringEquals": {"iam:PermissionsBoundary": BOUNDARY_ARN}},
)


def test_condition_values_or_keys_and() -> None:
    assert decide([NEEDS_BOUNDARY], context={"iam:PermissionsBoundary": BOUNDARY_ARN}) is (
        Decision.ALLOW
    )
    assert decide([NEEDS_BOUNDARY], context={"iam:PermissionsBoundary": "x"}) is (
        Decision.IMPLICIT_DENY
    )
    either = allow(
        Action="iam:PassRole",
        Resource=ARN,
        Condition={"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com", "b"]}},
    )
    passed = {"iam:PassedToService": "lambda.amazonaws.com"}
    assert decide([either], action="iam:PassRole", context=passed) is Decision.ALLOW
    both = allow(
        Action="iam:PassRole",
        Resource=ARN,
        Condition={
            "StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"},
            "ArnLike": {"iam:AssociatedResourceArn": "arn:aws:lambda:*:*:function:x"},
        },
    )
    assert decide([both], action="iam:PassRole", context=passed) is Decision.IMPLICIT_DENY


def test_missing_keys_fail_positive_and_satisfy_negated_operators() -> None:
    assert decide([NEEDS_BOUNDARY]) is Decision.IMPLICIT_DENY
    no_other = deny(
        Action="iam:CreateRole",
        Resource="*",
        Condition={"StringNotEquals": {"iam:PermissionsBoundary": BOUNDARY_ARN}},
    )
    everything = allow(Action="*", Resource="*")
    assert decide([everything, no_other]) is Decision.EXPLICIT_DENY
    ok = {"iam:PermissionsBoundary": BOUNDARY_ARN}
    assert decide([everything, no_other], context=ok) is Decision.ALLOW
    if_exists = allow(
        Action="iam:CreateRole",
        Resource=ARN,
        Condition={"StringEqualsIfExists": {"iam:PermissionsBoundary": BOUNDARY_ARN}},
    )
    assert decide([if_exists]) is Decision.ALLOW
    null = allow(Action="iam:CreateRole", Resource=ARN, Condition={"Null": {"aws:TagKeys": "true"}})
    assert decide([null]) is Decision.ALLOW
    assert decide([null], context={"aws:TagKeys": ["env"]}) is Decision.IMPLICIT_DENY


def test_set_qualifiers() -> None:
    only_env = allow(
        Action="iam:TagRole",
        Resource=ARN,
        Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "project"]}},
    )
    assert decide([only_env], "iam:TagRole", context={"aws:TagKeys": ["env"]}) is Decision.ALLOW
    assert decide([only_env], "iam:TagRole", context={"aws:TagKeys": ["env", "owner"]}) is (
        Decision.IMPLICIT_DENY
    )
    any_env = allow(
        Action="iam:TagRole",
        Resource=ARN,
        Condition={"ForAnyValue:StringLike": {"aws:TagKeys": "e*"}},
    )
    assert decide([any_env], "iam:TagRole", context={"aws:TagKeys": ["x", "env"]}) is (
        Decision.ALLOW
    )


def test_unsupported_operator_is_an_error_not_a_pass() -> None:
    numeric = allow(Action="*", Resource="*", Condition={"NumericLessThan": {"s3:TlsVersion": "1"}})
    with pytest.raises(ValueError, match="not supported"):
        decide([numeric], context={"s3:TlsVersion": "1.0"})
