"""Vaccination certificates: the deployment's issuer key, issuing a certificate for a
patient's COVID-19 doses, revoking it, the public trust and revocation lists, the
certificate's QR and its PDF in the citizen's document store.

The format itself (claim, COSE, HC1, verification) is `dcc.py`; this module is the
database side. Issuer keys are generated per deployment into the var directory
(`pki/dcc/<kid>.key`, mode 0600) like the signing service keeps its PKI, so `tinhso
backup` carries them and nothing secret is in the repository or the database.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
from pathlib import Path

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, Role
from tinhso.audit.services import record_event
from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.signing.services import pki_dir

from . import dcc
from .dcc_error_codes import DccErrorCode
from .models import (
    DccIssuerKey,
    Immunization,
    ImmunizationStatus,
    Patient,
    VaccinationCertificate,
)

# Who issues: the health workers who record doses. Who revokes: a doctor or the province.
ISSUER_ROLES = frozenset({Role.DOCTOR, Role.NURSE, Role.HEALTH_STAFF})
VALIDITY = datetime.timedelta(days=365)
DOCUMENT_KIND = "giay-chung-nhan-tiem-chung"


# ---------------------------------------------------------------- issuer keys


def keys_dir() -> Path:
    return pki_dir() / "dcc"


def _write_private(path: Path, data: bytes) -> None:
    from tinhso.signing.services import _write_private as write  # the PKI's own writer

    write(path, data)


@transaction.atomic
def ensure_issuer_key() -> DccIssuerKey:
    """The active issuer key, generated the first time (bootstrap, or the first
    certificate). Audited when created."""
    key = DccIssuerKey.objects.select_for_update().filter(active=True).first()
    if key is not None and Path(key.key_file).exists():
        return key
    if key is not None:  # its file is gone (a restore without the var directory)
        key.active = False
        key.retired_at = timezone.now()
        key.save(update_fields=["active", "retired_at"])
    private = dcc.generate_private_key()
    entry = dcc.trust_list_entry(private.public_key())
    path = keys_dir() / f"{hashlib.sha256(entry['kid'].encode()).hexdigest()[:16]}.key"
    _write_private(path, dcc.private_key_pem(private))
    key = DccIssuerKey.objects.create(kid=entry["kid"], public_jwk=entry["jwk"], key_file=str(path))
    record_event(
        action="health.dcc_key_created",
        object_type="health.DccIssuerKey",
        object_id=key.kid,
        after={"kid": key.kid},
    )
    return key


def trust_list() -> dict:
    """`{"keys": [{"kid", "alg": "ES256", "jwk"}]}`: every key that signed a
    certificate still valid, retired ones included (they stop signing, not verifying)."""
    return {
        "keys": [
            {"kid": k.kid, "alg": dcc.ALG, "jwk": k.public_jwk}
            for k in DccIssuerKey.objects.order_by("created_at")
        ]
    }


def revocation_list() -> dict:
    revoked = VaccinationCertificate.objects.filter(revoked_at__isnull=False)
    return dcc.revocation_list(revoked.values_list("uvci", flat=True))


# ---------------------------------------------------------------- issuing


def covid_doses(patient: Patient) -> QuerySet[Immunization]:
    return Immunization.objects.filter(
        patient=patient,
        status=ImmunizationStatus.COMPLETED,
        vaccine_code__in=list(dcc.PRODUCTS),
    ).order_by("occurred_on", "dose_number")


def _split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese names: the family name first, the given names after."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name, ""
    return parts[0], " ".join(parts[1:])


def _require_issuer(actor) -> None:
    if actor is not None:
        authz.require_role(actor, ISSUER_ROLES, anywhere=True)


@transaction.atomic
def issue_certificate(*, actor, patient: Patient, now=None) -> VaccinationCertificate:
    """A certificate of the patient's latest COVID-19 dose (the EU format holds one
    vaccination: the latest, with its number in the series). `actor=None` only from
    trusted code (the demo)."""
    _require_issuer(actor)
    doses = list(covid_doses(patient))
    if not doses:
        raise ValidationFailed(
            _("Người này chưa có mũi tiêm vắc xin COVID-19 nào được ghi nhận."),
            code=DccErrorCode.NO_DOSES,
        )
    if patient.date_of_birth is None:
        raise ValidationFailed(
            _("Cần ngày sinh của người được tiêm để cấp giấy chứng nhận."),
            code=DccErrorCode.NO_BIRTH_DATE,
        )
    latest = doses[-1]
    now = now or timezone.now()
    key = ensure_issuer_key()
    uvci = dcc.new_uvci()
    family, given = _split_name(patient.full_name)
    hcert = dcc.build_hcert(
        family_name=family,
        given_name=given,
        birth_date=patient.date_of_birth,
        dose=dcc.Dose(
            cvx=latest.vaccine_code,
            dose_number=latest.dose_number,
            series_doses=latest.series_doses or max(2, latest.dose_number),
            date=latest.occurred_on,
            uvci=uvci,
        ),
    )
    claim = dcc.build_claim(hcert, issued_at=now, expires_at=now + VALIDITY)
    private = dcc.load_private_key(Path(key.key_file).read_bytes())
    certificate = VaccinationCertificate.objects.create(
        patient=patient,
        uvci=uvci,
        hc1=dcc.sign_hc1(claim, key=private),
        issuer_key=key,
        issued_at=now,
        expires_at=now + VALIDITY,
        issued_by=actor,
    )
    certificate.immunizations.set(doses)
    certificate.document = _keep_pdf(certificate)
    certificate.save(update_fields=["document"])
    record_event(
        actor=actor,
        action="health.certificate_issued",
        object_type="health.VaccinationCertificate",
        object_id=certificate.pk,
        after={"uvci": uvci, "patient": patient.pk, "doses": [d.pk for d in doses]},
    )
    return certificate


@transaction.atomic
def revoke_certificate(
    *, actor, certificate: VaccinationCertificate, reason: str
) -> VaccinationCertificate:
    """A doctor (or the province's administrator) revokes; the public revocation list
    carries its UVCI hash from now on."""
    if actor is not None and not may_revoke(actor, certificate):
        authz.require_role(actor, Role.DOCTOR, anywhere=True)  # the usual refusal if no doctor
        raise PermissionDenied(
            _("Chỉ bác sĩ của cơ sở đã tiêm mới thu hồi được giấy chứng nhận này.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Cần ghi lý do thu hồi."),
            code=DccErrorCode.REASON_REQUIRED,
            fields={"reason": _("Cần ghi lý do thu hồi.")},
        )
    certificate = VaccinationCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise Conflict(_("Giấy chứng nhận này đã bị thu hồi."), code=DccErrorCode.ALREADY_REVOKED)
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revocation_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    record_event(
        actor=actor,
        action="health.certificate_revoked",
        object_type="health.VaccinationCertificate",
        object_id=certificate.pk,
        after={"uvci": certificate.uvci, "reason": certificate.revocation_reason},
    )
    return certificate


# ---------------------------------------------------------------- reading


def certificates_of_user(user) -> QuerySet[VaccinationCertificate]:
    """The signed-in citizen's certificates, and their children's (the records the
    citizen sees: `selectors.patients_of_citizen`)."""
    from .selectors import patients_of_citizen

    patients = [p.pk for p in patients_of_citizen(user)]
    return VaccinationCertificate.objects.filter(patient__in=patients).order_by("-issued_at")


def works_where_given(user, certificate: VaccinationCertificate, roles) -> bool:
    """The user holds one of `roles` at a facility where a dose of the certificate was
    given (a role elsewhere in the province is no right to this citizen's paper)."""
    agency_ids = certificate.immunizations.values_list("facility__agency_id", flat=True)
    return any(
        authz.has_role(user, roles, agency=agency)
        for agency in Agency.objects.filter(pk__in=list(agency_ids))
    )


def may_revoke(user, certificate: VaccinationCertificate) -> bool:
    """A doctor of a vaccinating facility, or the province's administrator."""
    return authz.has_role(user, Role.ADMINISTRATOR, province=True) or works_where_given(
        user, certificate, {Role.DOCTOR}
    )


def certificate_for(user, pk: int) -> VaccinationCertificate:
    """A certificate its holder, or a health worker of a facility that gave one of its
    doses, may see."""
    certificate = VaccinationCertificate.objects.select_related("patient").filter(pk=pk).first()
    if certificate is None:
        raise NotFound(_("Không tìm thấy giấy chứng nhận."))
    if works_where_given(user, certificate, ISSUER_ROLES):
        return certificate
    if certificates_of_user(user).filter(pk=pk).exists():
        return certificate
    raise NotFound(_("Không tìm thấy giấy chứng nhận."))


def qr_png(text: str, *, scale: int = 4) -> bytes:
    """The QR of an HC1 text (error correction Q, as the EU guidelines recommend)."""
    buffer = io.BytesIO()
    segno.make(text, error="q", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def vaccination_of(certificate: VaccinationCertificate) -> dict:
    """The `v` entry read back from the certificate's own text."""
    verified = dcc.verify_hc1(
        certificate.hc1,
        trust_list=trust_list(),
        now=certificate.issued_at + datetime.timedelta(seconds=1),
    )
    entry = dict(verified.hcert["v"][0])
    entry["dob"] = verified.hcert["dob"]
    product = next((p for p in dcc.PRODUCTS.values() if p.mp == entry["mp"]), None)
    entry["product_name"] = product.name if product else entry["mp"]
    return entry


# ---------------------------------------------------------------- the PDF


def draw_pdf(certificate: VaccinationCertificate) -> bytes:
    from tinhso.core import pdf

    entry = vaccination_of(certificate)
    verified_dob = entry["dob"]
    st = pdf.styles()
    from reportlab.platypus import Paragraph

    patient = certificate.patient
    story = [
        Paragraph(_("GIẤY CHỨNG NHẬN TIÊM CHỦNG COVID-19"), st["title"]),
        Paragraph(_("Theo định dạng chứng nhận số COVID của EU (EU DCC)"), st["center"]),
        pdf.spacer(6),
        pdf.key_values(
            [
                (_("Họ và tên"), patient.full_name),
                (_("Ngày sinh"), datetime.date.fromisoformat(verified_dob).strftime("%d/%m/%Y")),
                (_("Vắc xin"), entry["product_name"]),
                (_("Mũi số"), f"{entry['dn']}/{entry['sd']}"),
                (_("Ngày tiêm"), datetime.date.fromisoformat(entry["dt"]).strftime("%d/%m/%Y")),
                (_("Đơn vị cấp"), entry["is"]),
                (_("Mã chứng nhận (UVCI)"), certificate.uvci),
                (
                    _("Có giá trị đến"),
                    timezone.localtime(certificate.expires_at).strftime("%d/%m/%Y"),
                ),
            ]
        ),
        pdf.spacer(6),
        pdf.qr_image(certificate.hc1, size_mm=80),
        Paragraph(
            _("Quét mã QR bằng ứng dụng xác thực chứng nhận số; khóa công khai tại %(url)s.")
            % {"url": f"{settings.PUBLIC_BASE_URL}/api/v1/health/dcc/trust-list"},
            st["small"],
        ),
    ]
    return pdf.build(story, title=certificate.uvci, author=entry["is"])


def _keep_pdf(certificate: VaccinationCertificate):
    """The PDF into the holder's document store, when the patient has an account (a
    child's certificate is drawn on demand instead)."""
    from .selectors import account_of_patient

    owner = account_of_patient(certificate.patient)
    if owner is None:
        return None
    from tinhso.documents import services as store

    data = draw_pdf(certificate)
    relative = Path("health") / "certificates" / f"{uuid.uuid4().hex}.pdf"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_private(target, data)
    return store.keep(
        owner=owner,
        kind=DOCUMENT_KIND,
        title=_("Giấy chứng nhận tiêm chủng COVID-19"),
        issuer=_("Bộ Y tế"),
        source_reference=certificate.uvci[:60],
        file_path=relative.as_posix(),
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        issued_at=certificate.issued_at,
        digitally_signed=False,
        valid_until=timezone.localtime(certificate.expires_at).date(),
    )
