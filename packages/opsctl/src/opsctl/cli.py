"""``python -m opsctl <command>``: argument parsing and the glue from flags to the command modules.

Every command takes explicit flags; the make targets (mk/identity.mk) resolve them from Terraform.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import boto3

from opsctl import access, oauth, oci, plan_box, tf_output, user_tokens, users
from opsctl.errors import OpsError
from opsctl.settings import OpsSettings

if TYPE_CHECKING:
    from types_boto3_cognito_idp import CognitoIdentityProviderClient
    from types_boto3_kms import KMSClient
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
    _access_flags(add, writer_default=False)

    rights = commands.add_parser(
        "user-access",
        help="set exactly which homes a user has and whether they may write accounting",
    )
    rights.add_argument("--email", required=True, type=_email)
    rights.add_argument("--user-pool-id", required=True, type=_pool_id)
    _access_flags(rights, writer_default=None)

    seal = commands.add_parser("plan-seal", help="encrypt a saved plan for a CI artefact (KMS)")
    seal.add_argument(
        "--key-id", required=True, help="the state's KMS key (backend.hcl kms_key_id)"
    )
    seal.add_argument("--environment", required=True)
    seal.add_argument("--region", required=True)
    seal.add_argument("plan", type=Path)
    seal.add_argument("sealed", type=Path)

    unseal = commands.add_parser("plan-open", help="decrypt a sealed plan of this environment")
    unseal.add_argument("--environment", required=True)
    unseal.add_argument("--region", required=True)
    unseal.add_argument("sealed", type=Path)
    unseal.add_argument("plan", type=Path)

    digest = commands.add_parser("oci-digest", help="print the image digest of an OCI archive")
    digest.add_argument("archive", type=Path)

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
        elif args.command == "user-access":
            _user_access(args)
        elif args.command == "plan-seal":
            plan_box.seal(_kms(args.region), args.key_id, args.environment, args.plan, args.sealed)
            print(f"sealed {args.plan} -> {args.sealed}")
        elif args.command == "plan-open":
            plan_box.open_box(_kms(args.region), args.environment, args.sealed, args.plan)
            print(f"opened {args.sealed} -> {args.plan}")
        elif args.command == "oci-digest":
            print(oci.image_digest(args.archive))
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
    # Bad homes change nothing: checked before the user exists.
    wanted = access.wanted_groups(args.homes, bool(args.writer), args.thing_names)
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
    change = access.set_access(_cognito(args.user_pool_id), args.user_pool_id, args.email, wanted)
    _print_access(args.email, change)


def _user_access(args: argparse.Namespace) -> None:
    idp = _cognito(args.user_pool_id)
    writer = args.writer
    if writer is None:
        held = access.current_groups(idp, args.user_pool_id, args.email)
        writer = access.writers_group() in held
    wanted = access.wanted_groups(args.homes, bool(writer), args.thing_names)
    _print_access(args.email, access.set_access(idp, args.user_pool_id, args.email, wanted))


def _print_access(email: str, change: access.AccessChange) -> None:
    print(f"{email}: groups {', '.join(change.groups) or '(none)'}", end="")
    print(f" (added {', '.join(change.added) or '-'}; removed {', '.join(change.removed) or '-'})")
    print(
        "Takes effect with the user's next access token (at most its lifetime, 60 min by default)."
    )


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


def _access_flags(parser: argparse.ArgumentParser, *, writer_default: bool | None) -> None:
    parser.add_argument(
        "--homes",
        type=_csv,
        default=[],
        help="comma-separated thing names (`terraform output thing_names`)",
    )
    parser.add_argument(
        "--writer",
        type=_flag,
        default=writer_default,
        help="1: may create and change accounting records (group accounting-writers); 0: read only",
    )
    parser.add_argument(
        "--thing-names",
        type=_things,
        default=[],
        help="the environment's thing names, a JSON list or comma-separated (make fills it in); "
        "--homes must be among them",
    )


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _flag(value: str) -> bool:
    if value not in ("0", "1"):
        raise argparse.ArgumentTypeError(f"{value!r}: use 1 or 0")
    return value == "1"


def _things(value: str) -> list[str]:
    if value.strip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"thing names are not JSON: {exc}") from exc
        if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
            raise argparse.ArgumentTypeError("thing names must be a JSON list of strings")
        return parsed
    return _csv(value)


def _kms(region: str) -> KMSClient:
    return boto3.client("kms", region_name=region)


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
