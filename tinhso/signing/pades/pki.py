"""The province's small test PKI, in memory (ECDSA P-256): a root CA, an issuing CA
under it, and a timestamping authority (TSA) certificate issued by the issuing CA.

* :func:`make_pki` builds it; :class:`Pki` round-trips through PEM files.
* :func:`issue_signer_certificate` issues an officer's signing certificate and
  :func:`make_crl` the issuing CA's CRL.

``cryptography`` only: no pyHanko, no Django.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from .certs import (
    _UTC,
    _aki,
    _builder,
    _ca_key_usage,
    _cert_pem,
    _crl_dp,
    _crl_url_of,
    _end_entity_key_usage,
    _key_pem,
    _load_key,
    _name,
    _now,
    _require_matching,
)

_PKI_FILES = ("root.crt", "root.key", "issuing.crt", "issuing.key", "tsa.crt", "tsa.key")


@dataclass(frozen=True)
class Pki:
    """The province's PKI: three key pairs and their certificates (``cryptography``
    objects). Private keys are unencrypted in memory and in :meth:`to_pem_files`; the
    caller stores those files with mode 0600 (or keeps the keys in an HSM)."""

    root_key: ec.EllipticCurvePrivateKey
    root_cert: x509.Certificate
    issuing_key: ec.EllipticCurvePrivateKey
    issuing_cert: x509.Certificate
    tsa_key: ec.EllipticCurvePrivateKey
    tsa_cert: x509.Certificate

    FILES = _PKI_FILES

    @property
    def crl_url(self) -> str:
        """The CRL distribution point written into the certificates the issuing CA
        issues (read back from the TSA certificate)."""
        return _crl_url_of(self.tsa_cert) or ""

    def to_pem_files(self) -> dict[str, bytes]:
        """PEM bytes by file name: ``root.crt``, ``root.key``, ``issuing.crt``,
        ``issuing.key``, ``tsa.crt``, ``tsa.key`` (keys as unencrypted PKCS#8)."""
        return {
            "root.crt": _cert_pem(self.root_cert),
            "root.key": _key_pem(self.root_key),
            "issuing.crt": _cert_pem(self.issuing_cert),
            "issuing.key": _key_pem(self.issuing_key),
            "tsa.crt": _cert_pem(self.tsa_cert),
            "tsa.key": _key_pem(self.tsa_key),
        }

    @classmethod
    def from_pem_files(cls, files: dict[str, bytes]) -> Pki:
        """The inverse of :meth:`to_pem_files`. Raises ``KeyError`` for a missing
        file and ``ValueError`` for a damaged one or a key that does not match its
        certificate."""
        pki = cls(
            root_key=_load_key(files["root.key"]),
            root_cert=x509.load_pem_x509_certificate(files["root.crt"]),
            issuing_key=_load_key(files["issuing.key"]),
            issuing_cert=x509.load_pem_x509_certificate(files["issuing.crt"]),
            tsa_key=_load_key(files["tsa.key"]),
            tsa_cert=x509.load_pem_x509_certificate(files["tsa.crt"]),
        )
        for key, cert in (
            (pki.root_key, pki.root_cert),
            (pki.issuing_key, pki.issuing_cert),
            (pki.tsa_key, pki.tsa_cert),
        ):
            _require_matching(key, cert)
        return pki


def make_pki(*, province_name: str, crl_url: str) -> Pki:
    """A new PKI for one province, all keys ECDSA P-256 with SHA-256 signatures:

    * root CA "Tỉnh số <province> - CA gốc THỬ NGHIỆM" (20 years, pathLen 1);
    * issuing CA "Tỉnh số <province> - CA cấp chứng thư THỬ NGHIỆM" signed by the
      root (10 years, pathLen 0);
    * TSA certificate issued by the issuing CA (10 years) with the critical
      extendedKeyUsage timeStamping that RFC 3161 requires and ``crl_url`` as its
      CRL distribution point, like every certificate the issuing CA issues.

    The root has no CRL, so the issuing CA's certificate carries no distribution
    point.

    It is the platform's own test PKI, not a licensed trust service (Decree 23/2025):
    every name says THỬ NGHIỆM (test) so nobody takes its signatures for legal ones."""
    now = _now()
    org = f"Tỉnh số {province_name} (THỬ NGHIỆM)"
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(common_name=f"Tỉnh số {province_name} - CA gốc THỬ NGHIỆM", organisation=org)
    root_cert = (
        _builder(root_name, root_name, root_key.public_key(), now, days=20 * 365)
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )

    issuing_key = ec.generate_private_key(ec.SECP256R1())
    issuing_name = _name(
        common_name=f"Tỉnh số {province_name} - CA cấp chứng thư THỬ NGHIỆM", organisation=org
    )
    issuing_cert = (
        _builder(issuing_name, root_name, issuing_key.public_key(), now, days=10 * 365)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(_aki(root_cert), critical=False)
        .sign(root_key, hashes.SHA256())
    )

    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa_cert = (
        _builder(
            _name(
                common_name=f"Tỉnh số {province_name} - Dấu thời gian THỬ NGHIỆM", organisation=org
            ),
            issuing_name,
            tsa_key.public_key(),
            now,
            days=10 * 365,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_end_entity_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(_aki(issuing_cert), critical=False)
        .add_extension(_crl_dp(crl_url), critical=False)
        .sign(issuing_key, hashes.SHA256())
    )
    return Pki(root_key, root_cert, issuing_key, issuing_cert, tsa_key, tsa_cert)


def issue_signer_certificate(
    pki: Pki,
    *,
    common_name: str,
    organisation: str,
    email: str,
    serial: int | None = None,
    days: int = 730,
) -> tuple[bytes, bytes]:
    """A new ECDSA P-256 key and its end-entity certificate from the issuing CA:
    keyUsage digitalSignature + nonRepudiation (critical), the PKI's CRL
    distribution point, the e-mail as an rfc822Name subjectAltName. Valid from five
    minutes ago (clock skew) for ``days`` days. A common name longer than 64
    characters is cut (RFC 5280's upper bound); an empty one is a ``ValueError``.

    Returns ``(key_pem, cert_pem)``, the key as unencrypted PKCS#8."""
    common_name = (common_name or "").strip()
    if not common_name:
        raise ValueError("a signer certificate needs a common name")
    if days < 1:
        raise ValueError("days must be positive")
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        _builder(
            _name(common_name=common_name[:64], organisation=(organisation or "").strip()),
            pki.issuing_cert.subject,
            key.public_key(),
            _now(),
            days=days,
            serial=serial,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_end_entity_key_usage(), critical=True)
        .add_extension(_aki(pki.issuing_cert), critical=False)
    )
    if pki.crl_url:
        builder = builder.add_extension(_crl_dp(pki.crl_url), critical=False)
    if email and email.strip():
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email.strip())]), critical=False
        )
    cert = builder.sign(pki.issuing_key, hashes.SHA256())
    return _key_pem(key), _cert_pem(cert)


def make_crl(
    pki: Pki,
    *,
    revoked: list[tuple[int, datetime.datetime]],
    next_update_days: int = 7,
) -> bytes:
    """The issuing CA's CRL (DER) listing ``revoked`` as ``(serial, revoked_at)``
    pairs; a naive ``revoked_at`` is taken as UTC. thisUpdate is now, nextUpdate
    ``next_update_days`` later; the CRL number is the issue time in microseconds, so
    it increases from one CRL to the next."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.issuing_cert.subject)
        .last_update(now)
        .next_update(now + datetime.timedelta(days=next_update_days))
        .add_extension(x509.CRLNumber(int(now.timestamp() * 1_000_000)), critical=False)
        .add_extension(_aki(pki.issuing_cert), critical=False)
    )
    for serial, revoked_at in revoked:
        if revoked_at.tzinfo is None:
            revoked_at = revoked_at.replace(tzinfo=_UTC)
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(int(serial))
            .revocation_date(revoked_at.astimezone(_UTC))
            .build()
        )
    return builder.sign(pki.issuing_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
