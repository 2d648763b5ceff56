"""`opsctl user-add` against moto's Cognito."""

from __future__ import annotations

import string

import pytest
from opsctl.cli import main
from opsctl.users import temporary_password

THINGS = ["--thing-names", '["agentcore-mcp-dev-home"]']


def test_user_add_with_invitation_creates_verified_user(idp, pool_id: str, capsys) -> None:
    assert main(["user-add", "--email", "ada@example.com", "--user-pool-id", pool_id, *THINGS]) == 0

    out = capsys.readouterr().out
    assert "created ada@example.com" in out
    assert "e-mailed the invitation" in out
    user = idp.admin_get_user(UserPoolId=pool_id, Username="ada@example.com")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "ada@example.com"
    assert attributes["email_verified"] == "true"
    assert f"sub {attributes['sub']}" in out


def test_user_add_print_password_prints_it_once(idp, pool_id: str, capsys) -> None:
    args = ["user-add", "--email", "bob@example.com", "--user-pool-id", pool_id, *THINGS]
    assert main([*args, "--print-password"]) == 0

    lines = capsys.readouterr().out.splitlines()
    password = next(lines[i + 1] for i, line in enumerate(lines) if "shown once" in line)
    assert sum(password in line for line in lines) == 1
    assert len(password) >= 12
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="check", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob@example.com", "PASSWORD": password},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_user_add_existing_user_is_a_clear_error(pool_id: str, capsys) -> None:
    args = ["user-add", "--email", "ada@example.com", "--user-pool-id", pool_id, *THINGS]
    assert main(args) == 0
    assert main(args) == 1
    assert "already exists" in capsys.readouterr().err


def test_user_add_rejects_malformed_flags(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["user-add", "--email", "not-an-email", "--user-pool-id", "eu-central-1_Abc", *THINGS])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["user-add", "--email", "a@example.com", "--user-pool-id", "my-pool", *THINGS])
    assert "user pool id" in capsys.readouterr().err


def test_temporary_password_has_every_class() -> None:
    for _ in range(50):
        password = temporary_password()
        assert len(password) == 24
        assert any(c in string.ascii_lowercase for c in password)
        assert any(c in string.ascii_uppercase for c in password)
        assert any(c in string.digits for c in password)
        assert any(not c.isalnum() for c in password)
