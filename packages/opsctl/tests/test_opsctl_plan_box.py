"""Sealed plan artefacts (KMS envelope, AES-GCM) and OCI archive digests."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import boto3
import pytest
from opsctl.cli import main

REGION = "eu-central-1"


@pytest.fixture
def key_id(aws: None) -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]


def test_a_sealed_plan_opens_only_as_itself_and_its_environment(key_id, tmp_path, capsys) -> None:
    plan = tmp_path / "dev.tfplan"
    secret = b"client_secret = s3cr3t-value" * 100
    plan.write_bytes(secret)
    sealed, opened = tmp_path / "dev.tfplan.sealed", tmp_path / "out.tfplan"

    seal = ["plan-seal", "--key-id", key_id, "--environment", "dev", "--region", REGION]
    assert main([*seal, str(plan), str(sealed)]) == 0
    assert b"s3cr3t" not in sealed.read_bytes()

    open_ = ["plan-open", "--region", REGION]
    assert main([*open_, "--environment", "dev", str(sealed), str(opened)]) == 0
    assert opened.read_bytes() == secret

    # As another environment's plan: refused.
    assert main([*open_, "--environment", "prod", str(sealed), str(tmp_path / "x")]) == 1
    assert "not of 'prod'" in capsys.readouterr().err
    # Changed in transit: refused.
    box = json.loads(sealed.read_text())
    box["ciphertext"] = box["ciphertext"][:-8] + (
        "A" * 8 if box["ciphertext"][-8:] != "A" * 8 else "B" * 8
    )
    sealed.write_text(json.dumps(box))
    assert main([*open_, "--environment", "dev", str(sealed), str(tmp_path / "y")]) == 1
    assert "changed after it was sealed" in capsys.readouterr().err
    assert not (tmp_path / "y").exists()


def _oci(tmp_path, manifests: list[dict]) -> str:
    archive = tmp_path / "image.oci.tar"
    with tarfile.open(archive, "w") as tar:
        data = json.dumps({"schemaVersion": 2, "manifests": manifests}).encode()
        info = tarfile.TarInfo("index.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return str(archive)


def test_oci_digest_is_the_single_manifests(tmp_path, capsys) -> None:
    digest = "sha256:" + hashlib.sha256(b"manifest").hexdigest()
    manifest = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest}

    assert main(["oci-digest", _oci(tmp_path, [manifest])]) == 0
    assert capsys.readouterr().out.strip() == digest
    assert main(["oci-digest", _oci(tmp_path, [manifest, manifest])]) == 1
    assert "2 image manifests" in capsys.readouterr().err
