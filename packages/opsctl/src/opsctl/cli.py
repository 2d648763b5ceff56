"""``python -m opsctl <command>``: argument parsing and the glue from flags to the command modules.

Every command takes explicit flags; the make targets (mk/identity.mk) resolve them from Terraform.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

import boto3

from opsctl import oauth, tf_output, user_tokens, users
from opsctl.errors import OpsError
from opsctl.settings import OpsSettings

if TYPE_CHECKING:
    from types_boto3_cognito_idp import CognitoIdentityProviderClient
    from types_boto3_secretsmanager import SecretsManagerClient

_POOL_ID = re.compile(r"^(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opsctl",
        description="Operator commands for Cognito users, tokens and deploy outputs "
        "(the make targets in mk/identity.mk fill in the flags).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = commands.add_parser("user-add", help="create a Cognito user (admin create)")
    add.add_argument("--email", required=True, type=_email)
    add.add_argument("--user-pool-id", required=True, type=_pool_id)
    add.add_argument(
        "--print-password",
        action="store_true",
        help="print a one-time temporary password instead of having Cognito e-mail one",
    )

    token = commands.add_parser(
        "token", help="print an access token from the client-credentials client"
    )
    token.add_argument("--token-endpoint", required=True, help="https://<domain>/oauth2/token")
    token.add_argument("--client-id", required=True)
    secret = token.add_mutually_exclusive_group(required=True)
    secret.add_argument("--client-secret-env", metavar="VAR", help="read the secret from $VAR")
    secret.add_argument("--client-secret-stdin", action="store_true", help="read it from stdin")
    token.add_argument(
        "--scope",
        action="append",
        default=[],
        help="scope to request (repeatable); none: every scope the client is allowed",
    )

    user_token = commands.add_parser(
        "user-token", help="store a user's accounting API token where the runtime reads it"
    )
    user_token.add_argument("--email", required=True, type=_email)
    user_token.add_argument("--user-pool-id", required=True, type=_pool_id)
    user_token.add_argument(
        "--secret-prefix", required=True, help="e.g. agentcore-mcp/dev/accounting-tokens"
    )
    user_token.add_argument(
        "--kms-key-id", help="KMS key for a new secret (default: aws/secretsmanager)"
    )

    output = commands.add_parser("tf-output", help="print one output of an env root")
    output.add_argument("--env", required=True, help="environment folder under terraform/envs")
    output.add_argument("name", help="output name, e.g. cognito_user_pool_id")
    return parser


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = OpsSettings()
    try:
        if args.command == "user-add":
            _user_add(args)
        elif args.command == "token":
            _token(args, settings, stdin or sys.stdin)
        elif args.command == "user-token":
            _user_token(args, stdin or sys.stdin)
        else:
            root = settings.envs_dir / args.env
            value = tf_output.read_output(settings.terraform_bin, root, args.name)
            print(tf_output.render(value))
    except OpsError as exc:
        print(f"opsctl {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


def _user_add(args: argparse.Namespace) -> None:
    user = users.add_user(
        _cognito(args.user_pool_id),
        args.user_pool_id,
        args.email,
        print_password=args.print_password,
    )
    print(f"created {user.email} (sub {user.sub}, status {user.status}) in {args.user_pool_id}")
    if user.temporary_password is None:
        print("Cognito e-mailed the invitation with a temporary password (valid 7 days).")
    else:
        print("Temporary password (shown once; the user must change it at first sign-in):")
        print(user.temporary_password)


def _token(args: argparse.Namespace, settings: OpsSettings, stdin: TextIO) -> None:
    if args.client_secret_stdin:
        client_secret = stdin.readline().strip()
    else:
        client_secret = os.environ.get(args.client_secret_env, "").strip()
    if not client_secret:
        source = "stdin" if args.client_secret_stdin else f"${args.client_secret_env}"
        raise OpsError(f"no client secret in {source}")
    response = oauth.client_credentials_token(
        args.token_endpoint,
        args.client_id,
        client_secret,
        args.scope,
        timeout_seconds=settings.http_timeout_seconds,
    )
    print(response.access_token)


def _user_token(args: argparse.Namespace, stdin: TextIO) -> None:
    if stdin.isatty():
        api_token = getpass.getpass(f"Accounting API token for {args.email} (hidden): ")
    else:
        api_token = stdin.read()
    api_token = api_token.strip()
    if not api_token:
        raise OpsError("no API token given (pipe it on stdin or type it at the prompt)")
    sub = users.user_sub(_cognito(args.user_pool_id), args.user_pool_id, args.email)
    name = user_tokens.secret_name(args.secret_prefix, sub)
    outcome = user_tokens.store_user_token(
        _secrets(args.user_pool_id),
        name,
        api_token,
        description=f"Accounting API token of {args.email} (read by mcp_runtime)",
        kms_key_id=args.kms_key_id,
    )
    print(f"{outcome} secret {name} for {args.email}")


def _region(pool_id: str) -> str:
    # Pool ids start with their region, so the operator needs no AWS_REGION for these commands.
    return pool_id.partition("_")[0]


def _cognito(pool_id: str) -> CognitoIdentityProviderClient:
    return boto3.client("cognito-idp", region_name=_region(pool_id))


def _secrets(pool_id: str) -> SecretsManagerClient:
    # The runtime reads its secrets in the deployment's region, which is the pool's.
    return boto3.client("secretsmanager", region_name=_region(pool_id))


def _pool_id(value: str) -> str:
    if not _POOL_ID.match(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a user pool id like eu-central-1_AbC123"
        )
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an e-mail address")
    return value
