"""Cognito users: admin creation with an invitation or a one-time password, and ``sub`` lookups."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from opsctl.errors import OpsError

if TYPE_CHECKING:
    from types_boto3_cognito_idp import CognitoIdentityProviderClient
    from types_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

# Cognito's symbol set for password policies; one of each class satisfies the module's policy.
_SYMBOLS = "^$*.[]{}()?-\"!@#%&/\\,><':;|_~`+="
_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, _SYMBOLS)


@dataclass(frozen=True)
class NewUser:
    """A user just created; ``temporary_password`` is set only when opsctl chose it."""

    email: str
    sub: str
    status: str
    temporary_password: str | None


def temporary_password(length: int = 24) -> str:
    """A random password with every character class the pool's policy requires."""
    rng = secrets.SystemRandom()
    chars = [rng.choice(cls) for cls in _CLASSES]
    alphabet = "".join(_CLASSES)
    chars += [rng.choice(alphabet) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def add_user(
    idp: CognitoIdentityProviderClient, pool_id: str, email: str, *, print_password: bool
) -> NewUser:
    """Create ``email`` in the pool. Cognito e-mails the invitation unless ``print_password``."""
    password = temporary_password() if print_password else None
    attributes: list[AttributeTypeTypeDef] = [
        {"Name": "email", "Value": email},
        # Verified up front: the operator vouches for the address, and resets need it verified.
        {"Name": "email_verified", "Value": "true"},
    ]
    try:
        if password is None:
            created = idp.admin_create_user(
                UserPoolId=pool_id,
                Username=email,
                UserAttributes=attributes,
                DesiredDeliveryMediums=["EMAIL"],
            )
        else:
            # SUPPRESS: the operator hands the password over; Cognito sends nothing.
            created = idp.admin_create_user(
                UserPoolId=pool_id,
                Username=email,
                UserAttributes=attributes,
                TemporaryPassword=password,
                MessageAction="SUPPRESS",
            )
    except idp.exceptions.UsernameExistsException as exc:
        raise OpsError(f"a user with e-mail {email} already exists in {pool_id}") from exc
    except ClientError as exc:
        raise OpsError(f"creating {email} in {pool_id} failed: {_aws_message(exc)}") from exc
    user = created["User"]
    found = {a["Name"]: a.get("Value", "") for a in user.get("Attributes", [])}
    return NewUser(email, found.get("sub", ""), user.get("UserStatus", "UNKNOWN"), password)


def user_sub(idp: CognitoIdentityProviderClient, pool_id: str, email: str) -> str:
    """The ``sub`` (stable user id, the runtime's secret key) of the user ``email``."""
    try:
        user = idp.admin_get_user(UserPoolId=pool_id, Username=email)
    except idp.exceptions.UserNotFoundException as exc:
        raise OpsError(
            f"no user with e-mail {email} in {pool_id}; run `make user-add` first"
        ) from exc
    except ClientError as exc:
        raise OpsError(f"looking up {email} in {pool_id} failed: {_aws_message(exc)}") from exc
    for attribute in user.get("UserAttributes", []):
        if attribute["Name"] == "sub" and attribute.get("Value"):
            return attribute["Value"]
    raise OpsError(f"Cognito returned no sub for {email} in {pool_id}")


def _aws_message(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".rstrip(": ")
