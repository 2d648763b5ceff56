"""Saved Terraform plans sealed for the trip between CI jobs: KMS envelope + AES-256-GCM.

A saved plan holds every sensitive value Terraform read (Cognito client secrets among them), and
workflow artefacts are readable by anyone who can read the repository's runs. Sealed with a data
key from the state's KMS key, the artefact is useless without that environment's AWS role; the
encryption context binds it to its environment, so a dev plan cannot be opened as prod's.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from opsctl.errors import OpsError

if TYPE_CHECKING:
    from types_boto3_kms import KMSClient

FORMAT = "opsctl-sealed-plan/1"


def _context(environment: str) -> dict[str, str]:
    return {"purpose": "terraform-plan", "environment": environment}


def seal(kms: KMSClient, key_id: str, environment: str, source: Path, target: Path) -> None:
    """Encrypt ``source`` into ``target`` under a fresh data key of ``key_id``."""
    try:
        data_key = kms.generate_data_key(
            KeyId=key_id, KeySpec="AES_256", EncryptionContext=_context(environment)
        )
    except ClientError as exc:
        raise OpsError(f"KMS refused a data key from {key_id}: {_message(exc)}") from exc
    nonce = os.urandom(12)
    aad = environment.encode()
    ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, source.read_bytes(), aad)
    box = {
        "format": FORMAT,
        "environment": environment,
        "encrypted_key": base64.b64encode(data_key["CiphertextBlob"]).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(ciphertext).decode(),
    }
    target.write_text(json.dumps(box))


def open_box(kms: KMSClient, environment: str, source: Path, target: Path) -> None:
    """Decrypt a sealed plan of ``environment`` into ``target``; anything else is refused."""
    try:
        box: dict[str, Any] = json.loads(source.read_text())
    except (OSError, ValueError) as exc:
        raise OpsError(f"{source} is not a sealed plan: {exc}") from exc
    if box.get("format") != FORMAT:
        raise OpsError(f"{source} is not a sealed plan ({FORMAT})")
    if box.get("environment") != environment:
        raise OpsError(f"{source} is a plan of {box.get('environment')!r}, not of {environment!r}")
    try:
        key = kms.decrypt(
            CiphertextBlob=base64.b64decode(box["encrypted_key"]),
            EncryptionContext=_context(environment),
        )["Plaintext"]
    except ClientError as exc:
        raise OpsError(f"KMS refused to open the plan's key: {_message(exc)}") from exc
    try:
        plain = AESGCM(key).decrypt(
            base64.b64decode(box["nonce"]),
            base64.b64decode(box["ciphertext"]),
            environment.encode(),
        )
    except InvalidTag as exc:
        raise OpsError(f"{source} was changed after it was sealed: refusing it") from exc
    target.write_bytes(plain)


def _message(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".rstrip(": ")
