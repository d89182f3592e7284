"""The province's signing service: its test PKI (created once under the var directory),
officers' certificates, revocation with a published CRL, signing results and
verifying any PDF.

A production deployment replaces the file-based keys with a PKCS#11 token or HSM, or
a remote signing service, behind `ResultSigner` (RESULT_SIGNER): see the README.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed

from .error_codes import SigningErrorCode
from .models import SigningCertificate
from .pades.pki import Pki, issue_signer_certificate, make_crl, make_pki

if TYPE_CHECKING:
    from .pades.results import Verification

PKI_FILES = ("root.crt", "root.key", "issuing.crt", "issuing.key", "tsa.crt", "tsa.key")


def pki_dir() -> Path:
    return Path(settings.VAR_DIR) / "pki"


def crl_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}/pki/issuing.crl"


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def ensure_pki() -> bool:
    """Create the province's test PKI when absent; True when it was created."""
    folder = pki_dir()
    if all((folder / name).exists() for name in PKI_FILES):
        return False
    from tinhso.geo.selectors import home_province

    province = home_province()
    pki = make_pki(province_name=province.name if province else "tinhso", crl_url=crl_url())
    for name, data in pki.to_pem_files().items():
        _write_private(folder / name, data)
    publish_crl()
    record_event(action="signing.pki_created", object_type="signing.Pki", object_id="province")
    return True


def load_pki() -> Pki:
    folder = pki_dir()
    return Pki.from_pem_files({name: (folder / name).read_bytes() for name in PKI_FILES})


def trust_roots() -> list[bytes]:
    """The province's root (once bootstrap made it) plus any national roots configured
    (PEM files)."""
    root = pki_dir() / "root.crt"
    roots = [root.read_bytes()] if root.exists() else []
    extra = getattr(settings, "SIGNING_TRUST_ROOTS_DIR", "")
    if extra:
        roots += [p.read_bytes() for p in sorted(Path(extra).glob("*.pem"))]
    return roots


def publish_crl() -> bytes:
    """Write the CRL of every revoked certificate to the stable URL's file."""
    revoked = [
        (int(c.serial), c.revoked_at)
        for c in SigningCertificate.objects.filter(revoked_at__isnull=False)
    ]
    crl = make_crl(load_pki(), revoked=revoked)
    _write_private(pki_dir() / "issuing.crl", crl)
    return crl


def current_crl() -> bytes:
    path = pki_dir() / "issuing.crl"
    return path.read_bytes() if path.exists() else publish_crl()


def _certificate_info(cert_pem: bytes) -> dict:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(cert_pem)
    return {
        "serial": cert.serial_number,
        "subject": cert.subject.rfc4514_string()[:300],
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
    }


@transaction.atomic
def issue_certificate(*, actor, user) -> SigningCertificate:
    """A signing certificate for a leader (an administrator's act; `actor=None` from
    bootstrap). The key is written with mode 0600."""
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=authz.managing_agency(user))
    if not authz.has_role(user, Role.LEADER, anywhere=True) and not user.is_superuser:
        raise PermissionDenied(
            _("Chỉ cấp chứng thư chữ ký số cho lãnh đạo."), code=SigningErrorCode.NOT_A_SIGNER
        )
    ensure_pki()
    agency = authz.primary_agency(user)
    key_pem, cert_pem = issue_signer_certificate(
        load_pki(),
        common_name=user.get_full_name(),
        organisation=agency.name if agency else "",
        email=user.email or "",
    )
    info = _certificate_info(cert_pem)
    key_file = pki_dir() / "keys" / f"{info['serial']}.key"
    _write_private(key_file, key_pem)
    cert = SigningCertificate.objects.create(
        user=user,
        serial=str(info["serial"]),
        subject=info["subject"],
        cert_pem=cert_pem.decode(),
        key_file=str(key_file),
        issued_at=info["not_before"],
        not_after=info["not_after"],
    )
    record_event(
        actor=actor,
        action="signing.certificate_issued",
        object_type="signing.SigningCertificate",
        object_id=cert.serial,
        after={"user": user.username, "subject": cert.subject},
        agency_code=agency.code if agency else "",
    )
    return cert


@transaction.atomic
def revoke_certificate(
    *, actor, certificate: SigningCertificate, reason: str
) -> SigningCertificate:
    """An administrator revokes; the CRL at the stable URL is republished at once."""
    if actor is not None:
        authz.require_role(
            actor, Role.ADMINISTRATOR, agency=authz.managing_agency(certificate.user)
        )
    certificate = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise Conflict(_("Chứng thư này đã bị thu hồi."), code=SigningErrorCode.ALREADY_REVOKED)
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revocation_reason = (reason or "").strip()[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    record_event(
        actor=actor,
        action="signing.certificate_revoked",
        object_type="signing.SigningCertificate",
        object_id=certificate.serial,
        after={"reason": certificate.revocation_reason},
    )
    publish_crl()
    return certificate


def active_certificate(user) -> SigningCertificate | None:
    now = timezone.now()
    return (
        SigningCertificate.objects.filter(user=user, revoked_at__isnull=True, not_after__gt=now)
        .order_by("-issued_at")
        .first()
    )


def sign_pades(
    document: bytes,
    *,
    signer,
    issuer_name: str,
    location: str,
    number: str,
    qr_url: str,
    reason: str,
) -> bytes:
    """Sign a paper the state issues (a result, a school report, a diploma): PAdES B-T
    with the platform's timestamp authority, a visible stamp in Vietnamese and a QR
    code to where it is verified. Refused when the signer has no valid certificate."""
    certificate = active_certificate(signer)
    if certificate is None:
        raise Conflict(
            _("%(name)s chưa có chứng thư chữ ký số còn hiệu lực.")
            % {"name": signer.get_full_name()},
            code=SigningErrorCode.NO_CERTIFICATE,
        )
    # pyHanko loads on first use, not when the URLs are imported.
    from .pades.sign import sign_pdf

    now = timezone.localtime()
    return sign_pdf(
        document,
        signer_key_pem=Path(certificate.key_file).read_bytes(),
        signer_cert_pem=certificate.cert_pem.encode(),
        pki=load_pki(),
        stamp_lines=[
            f"Ký bởi: {signer.get_full_name()}",
            issuer_name,
            f"Thời gian: {now:%d/%m/%Y %H:%M}",
            *([f"Số: {number}"] if number else []),
        ],
        qr_url=qr_url,
        font_path=str(Path(settings.BASE_DIR) / "static" / "fonts" / "DejaVuSans.ttf"),
        reason=reason,
        location=location,
        embed_crl=current_crl(),
    )


class PadesResultSigner:
    """RESULT_SIGNER: a dossier's result signed with `sign_pades`."""

    def sign(self, document: bytes, *, signer, dossier) -> bytes:
        return sign_pades(
            document,
            signer=signer,
            issuer_name=dossier.agency.name,
            location=dossier.agency.unit.name,
            number=dossier.result_number or "",
            qr_url=_register_link(dossier),
            reason=f"Kết quả giải quyết hồ sơ {dossier.code}",
        )


def _register_link(dossier) -> str:
    """Where the stamp's QR leads: the result's register entry when it has one (its
    key, given before signing), else this verification page with the dossier code."""
    key = getattr(dossier, "result_key", "")
    if key:
        return f"{settings.PUBLIC_BASE_URL}/van-ban/{key}/"
    return f"{settings.PUBLIC_BASE_URL}/xac-thuc/?ma={dossier.code}"


def check_signable(document: bytes) -> None:
    """A PDF an officer attaches to be signed later must open for the signer: refused
    when attached (ValidationFailed naming `file`), not when the leader signs."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(document))
        unusable = writer.prev.encrypted or writer.root is None
    except Exception:  # noqa: BLE001 (whatever pyHanko cannot read, the signer cannot)
        unusable = True
    if unusable:
        raise ValidationFailed(
            _("Tệp PDF này không ký được (hỏng, có mật khẩu hoặc không đúng chuẩn PDF)."),
            code=SigningErrorCode.NOT_SIGNABLE,
            fields={"file": _("Chọn một tệp PDF khác.")},
        )


def max_verify_bytes() -> int:
    return int(getattr(settings, "VERIFY_MAX_BYTES", 20 * 1024 * 1024))


def verify(document: bytes) -> Verification:
    """A stranger's PDF checked in a process of its own, within VERIFY_CPU_SECONDS."""
    from . import sandbox  # pyHanko loads on first use

    # Before bootstrap made the province's PKI there is no CRL of ours to embed.
    has_pki = all((pki_dir() / name).exists() for name in PKI_FILES)
    return sandbox.verify(
        document,
        trust_roots_pem=trust_roots(),
        crls_der=[current_crl()] if has_pki else [],
        max_bytes=max_verify_bytes(),
    )
