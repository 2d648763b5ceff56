"""`opsctl user-token`: the caller's API token lands in `<prefix>/<sub>` as the runtime reads it."""

from __future__ import annotations

import io
import json

from opsctl.cli import main

PREFIX = "agentcore-mcp/dev/accounting-tokens"


def _sub(idp, pool_id: str, email: str) -> str:
    user = idp.admin_get_user(UserPoolId=pool_id, Username=email)
    return next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")


def _run(pool_id: str, email: str, token: str) -> int:
    args = ["user-token", "--email", email, "--user-pool-id", pool_id, "--secret-prefix", PREFIX]
    return main(args, stdin=io.StringIO(token + "\n"))


def test_user_token_creates_then_updates_the_secret(
    idp, secretsmanager, pool_id: str, capsys
) -> None:
    assert main(["user-add", "--email", "ada@example.com", "--user-pool-id", pool_id]) == 0
    sub = _sub(idp, pool_id, "ada@example.com")
    sm = secretsmanager

    assert _run(pool_id, "ada@example.com", "first-api-token") == 0
    secret = sm.get_secret_value(SecretId=f"{PREFIX}/{sub}")
    assert json.loads(secret["SecretString"]) == {"api_token": "first-api-token"}

    assert _run(pool_id, "ada@example.com", "second-api-token") == 0
    secret = sm.get_secret_value(SecretId=f"{PREFIX}/{sub}")
    assert json.loads(secret["SecretString"]) == {"api_token": "second-api-token"}

    out = capsys.readouterr().out
    assert f"created secret {PREFIX}/{sub}" in out
    assert f"updated secret {PREFIX}/{sub}" in out
    assert "api-token" not in out


def test_user_token_for_unknown_user_writes_nothing(secretsmanager, pool_id: str, capsys) -> None:
    assert _run(pool_id, "nobody@example.com", "some-token") == 1
    assert "make user-add" in capsys.readouterr().err
    assert secretsmanager.list_secrets()["SecretList"] == []


def test_user_token_refuses_empty_token(pool_id: str, capsys) -> None:
    assert main(["user-add", "--email", "ada@example.com", "--user-pool-id", pool_id]) == 0
    assert _run(pool_id, "ada@example.com", "   ") == 1
    assert "no API token" in capsys.readouterr().err
