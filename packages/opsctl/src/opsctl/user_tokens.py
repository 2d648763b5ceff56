"""Per-user accounting API tokens in Secrets Manager, where the runtime looks them up by ``sub``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

from botocore.exceptions import ClientError

from opsctl.errors import OpsError

if TYPE_CHECKING:
    from types_boto3_secretsmanager import SecretsManagerClient


def secret_name(prefix: str, sub: str) -> str:
    """``<prefix>/<sub>``: the exact name mcp_runtime reads for the caller with that ``sub``."""
    return f"{prefix.rstrip('/')}/{sub}"


def store_user_token(
    sm: SecretsManagerClient,
    name: str,
    api_token: str,
    *,
    description: str,
    kms_key_id: str | None = None,
) -> Literal["created", "updated"]:
    """Write ``{"api_token": ...}`` to the secret ``name``, creating it on first use."""
    value = json.dumps({"api_token": api_token})
    try:
        if kms_key_id is None:
            sm.create_secret(Name=name, SecretString=value, Description=description)
        else:
            sm.create_secret(
                Name=name, SecretString=value, Description=description, KmsKeyId=kms_key_id
            )
    except sm.exceptions.ResourceExistsException:
        pass
    except ClientError as exc:
        raise OpsError(f"creating secret {name} failed: {_code(exc)}") from exc
    else:
        return "created"
    try:
        sm.put_secret_value(SecretId=name, SecretString=value)
    except ClientError as exc:
        raise OpsError(f"updating secret {name} failed: {_code(exc)}") from exc
    return "updated"


def _code(exc: ClientError) -> str:
    # Only the code: Secrets Manager messages can quote request parameters.
    return str(exc.response.get("Error", {}).get("Code", "Error"))
