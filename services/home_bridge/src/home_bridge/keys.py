"""Device keys: the private key is made on the bridge and never leaves it; only a CSR does.

Files in the key directory (``/etc/home-bridge/keys`` on a Pi):

* ``bridge.key`` / ``bridge.csr`` / ``bridge.crt`` — the key, its CSR, the certificate IoT Core
  issued for it (Terraform output ``certificate_pems``);
* ``next.key`` / ``next.csr`` / ``next.crt`` — the same during a rotation, until ``rotate``
  promotes them (the old files are kept as ``previous.*``).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CURRENT = "bridge"
NEXT = "next"
PREVIOUS = "previous"


class KeyFileError(RuntimeError):
    """A key-file operation that would lose or overwrite something."""


def key_paths(directory: Path, slot: str) -> tuple[Path, Path, Path]:
    """``(key, csr, crt)`` paths of a slot."""
    return directory / f"{slot}.key", directory / f"{slot}.csr", directory / f"{slot}.crt"


def generate(directory: Path, thing: str, *, slot: str = CURRENT) -> Path:
    """Create an EC P-256 key (mode 0600) and a CSR for ``thing``; returns the CSR path.

    Refuses to overwrite an existing key: losing it would orphan a live certificate.
    """
    key_path, csr_path, _ = key_paths(directory, slot)
    if key_path.exists():
        raise KeyFileError(f"{key_path} exists; remove it yourself to replace it")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, thing)]))
        .sign(key, hashes.SHA256())
    )
    csr_path.write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    return csr_path


def rotate(directory: Path) -> None:
    """Promote ``next.*`` to ``bridge.*``, keeping the old files as ``previous.*``.

    Needs ``next.key`` and ``next.crt`` and checks that the certificate belongs to the key.
    """
    next_key, _, next_crt = key_paths(directory, NEXT)
    if not next_key.exists() or not next_crt.exists():
        raise KeyFileError(f"rotation needs {next_key} and {next_crt}")
    key = serialization.load_pem_private_key(next_key.read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate(next_crt.read_bytes())
    if cert.public_key().public_numbers() != key.public_key().public_numbers():  # type: ignore[union-attr]
        raise KeyFileError(f"{next_crt} was not issued for {next_key}")
    for suffix in ("key", "csr", "crt"):
        current = directory / f"{CURRENT}.{suffix}"
        if current.exists():
            current.replace(directory / f"{PREVIOUS}.{suffix}")
        upcoming = directory / f"{NEXT}.{suffix}"
        if upcoming.exists():
            upcoming.replace(current)
