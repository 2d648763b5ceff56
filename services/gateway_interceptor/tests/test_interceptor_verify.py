"""Token verification with real RS256 tokens against a JWKS served over HTTP."""

from __future__ import annotations

import time

import pytest
from gateway_interceptor.settings import InterceptorSettings
from gateway_interceptor.verify import AccessTokenVerifier, KeysUnavailable, TokenRefused


def test_a_valid_access_token_names_its_caller(issuer, settings: InterceptorSettings):
    caller = AccessTokenVerifier(settings).caller(issuer.token())
    assert caller.username == "alice"
    assert caller.homes == {"devstack-home"}
    assert caller.is_accounting_writer
    assert caller.client_id == "claude-client"


def refused(settings: InterceptorSettings, token: str | None) -> str:
    with pytest.raises(TokenRefused) as caught:
        AccessTokenVerifier(settings).caller(token)
    return caught.value.reason


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda i: i.token(key=i.new_key()), "signature does not verify"),
        (lambda i: i.token(exp=int(time.time()) - 120), "expired"),
        (lambda i: i.token(exp=None), "'exp'"),
        (lambda i: i.token(iat=None), "'iat'"),
        (lambda i: i.token(nbf=int(time.time()) + 600), "not valid yet"),
        (lambda i: i.token(client_id=i.other_client), "not allowed"),
        (lambda i: i.token(token_use="id"), "not an access token"),
        (lambda i: i.token(iss="https://cognito-idp.eu-west-1.amazonaws.com/other"), "issuer"),
        (lambda i: i.token(kid="made-up"), "does not publish"),
        (lambda i: i.unsigned(), "algorithm must be RS256"),
        (lambda i: i.hs256_with_public_key(), "algorithm must be RS256"),
        (lambda i: "not-a-jwt", "well-formed"),
        (lambda i: "", "no bearer token"),
    ],
    ids=[
        "forged",
        "expired",
        "no-exp",
        "no-iat",
        "future-nbf",
        "wrong-client",
        "id-token",
        "wrong-issuer",
        "unknown-kid",
        "alg-none",
        "hs256-public-key",
        "garbage",
        "missing",
    ],
)
def test_each_bad_token_is_refused_with_its_reason(issuer, settings, make, reason):
    assert reason in refused(settings, make(issuer))


def test_no_token_at_all_is_refused(settings: InterceptorSettings):
    assert refused(settings, None) == "no bearer token"


def test_the_key_set_is_fetched_once_for_many_tokens(issuer, settings):
    verifier = AccessTokenVerifier(settings)
    for _ in range(20):
        verifier.caller(issuer.token())
    assert issuer.jwks.fetches == 1


def test_an_unreachable_key_set_is_our_problem_not_the_callers(issuer):
    unreachable = InterceptorSettings(
        cognito_issuer=issuer.issuer,
        cognito_jwks_uri="http://127.0.0.1:9/.well-known/jwks.json",
        allowed_client_ids="claude-client",
        jwks_timeout_seconds=1,
    )
    with pytest.raises(KeysUnavailable):
        AccessTokenVerifier(unreachable).caller(issuer.token())


def test_the_default_key_set_is_cognitos_convention(issuer):
    plain = InterceptorSettings(cognito_issuer=issuer.issuer + "/", allowed_client_ids="c")
    assert plain.jwks_uri == issuer.issuer + "/.well-known/jwks.json"
