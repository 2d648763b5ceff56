"""A local certificate authority: the broker's server certificate and per-thing client certificates.

Like AWS IoT, a client's identity is its certificate: the broker takes the subject CN as the MQTT
username (``use_identity_as_username``), and the ACLs are written against it, so the CN of a
thing's certificate is always the (checked) thing name, whatever a CSR asked for.
Keys are EC P-256: AWS IoT accepts them and they take milliseconds to make, which keeps the
first start of the devstack well under its 3 s budget.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "ca.pem"
CA_KEY = "ca.key"
_CA_NAME = "devstack local IoT CA"
_VALIDITY = dt.timedelta(days=825)
_BACKDATE = dt.timedelta(minutes=5)  # tolerate small clock differences between processes


class CsrRejected(ValueError):
    """A CSR that is malformed or whose signature does not verify."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_private(path: Path, data: bytes) -> None:
    # Create with 0600 from the start, so the key is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


@dataclass(frozen=True)
class IssuedCert:
    """Paths of a certificate and its private key on disk."""

    cert: Path
    key: Path


class LocalCA:
    """The CA in ``directory`` (created on first use, reused after)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.cert_path = directory / CA_CERT
        key_path = directory / CA_KEY
        if self.cert_path.exists() and key_path.exists():
            loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if not isinstance(loaded, ec.EllipticCurvePrivateKey):
                raise TypeError(f"{key_path} is not an EC key")
            self._key = loaded
            self._cert = x509.load_pem_x509_certificate(self.cert_path.read_bytes())
            return
        directory.mkdir(parents=True, exist_ok=True)
        self._key = _new_key()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _CA_NAME)])
        self._cert = (
            self._builder(name, self._key.public_key())
            .issuer_name(name)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self._key, hashes.SHA256())
        )
        _write_private(key_path, _key_pem(self._key))
        self.cert_path.write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))

    @staticmethod
    def _builder(
        subject: x509.Name, public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey
    ) -> x509.CertificateBuilder:
        now = _now()
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE)
            .not_valid_after(now + _VALIDITY)
        )

    def _sign(
        self,
        common_name: str,
        public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey,
        usage: x509.ObjectIdentifier,
        san: list[x509.GeneralName] | None = None,
    ) -> bytes:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        builder = (
            self._builder(subject, public_key)
            .issuer_name(self._cert.subject)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        cert = builder.sign(self._key, hashes.SHA256())
        return cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name: str, directory: Path, *, server: bool = False) -> IssuedCert:
        """A new key pair and certificate for ``common_name``, written as ``<cn>.pem``/``.key``.

        A server certificate carries the SANs every local client uses: localhost and 127.0.0.1.
        """
        directory.mkdir(parents=True, exist_ok=True)
        key = _new_key()
        san: list[x509.GeneralName] | None = None
        usage = ExtendedKeyUsageOID.CLIENT_AUTH
        if server:
            usage = ExtendedKeyUsageOID.SERVER_AUTH
            san = [
                x509.DNSName("localhost"),
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            ]
        issued = IssuedCert(directory / f"{common_name}.pem", directory / f"{common_name}.key")
        _write_private(issued.key, _key_pem(key))
        issued.cert.write_bytes(self._sign(common_name, key.public_key(), usage, san))
        return issued

    def sign_csr(self, common_name: str, csr_pem: bytes) -> bytes:
        """A client certificate for the CSR's key, with ``common_name`` as its subject CN."""
        try:
            csr = x509.load_pem_x509_csr(csr_pem)
        except ValueError as exc:
            raise CsrRejected(f"not a PEM certificate signing request: {exc}") from None
        if not csr.is_signature_valid:
            raise CsrRejected("the CSR's signature does not verify")
        public_key = csr.public_key()
        # EC and RSA are what AWS IoT accepts in a CSR too.
        if not isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
            raise CsrRejected("only EC and RSA keys are supported")
        return self._sign(common_name, public_key, ExtendedKeyUsageOID.CLIENT_AUTH)
