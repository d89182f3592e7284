"""Vaccination certificates and e-prescriptions for systems and apps: the citizen's
own certificates, the public trust and revocation lists, and a pharmacy's dispense
(CONTRACT.md's health lines)."""

from __future__ import annotations

import datetime

from ninja import Router, Schema

from . import certificates, prescribing

router = Router(tags=["health"])


class CertificateOut(Schema):
    id: int
    hc1: str
    issued_at: datetime.datetime


class TrustedKey(Schema):
    kid: str
    alg: str
    jwk: dict


class TrustListOut(Schema):
    keys: list[TrustedKey]


class RevocationListOut(Schema):
    hashType: str  # noqa: N815  (the DCC revocation field name)
    hashes: list[str]


class DispenseIn(Schema):
    confirmed: bool = False


class DispenseOut(Schema):
    code: str
    status: str
    dispensed_at: datetime.datetime


@router.get(
    "/health/me/vaccination-certificates",
    response=list[CertificateOut],
    summary="Giấy chứng nhận tiêm chủng của tôi",
)
def my_certificates(request):
    """The signed-in citizen's certificates, newest first (HC1 text, as in the QR)."""
    return [
        {"id": c.pk, "hc1": c.hc1, "issued_at": c.issued_at}
        for c in certificates.certificates_of_user(request.user)
    ]


@router.get(
    "/health/dcc/trust-list",
    response=TrustListOut,
    auth=None,
    summary="Khóa công khai xác thực giấy chứng nhận tiêm chủng",
)
def trust_list(request):
    """The issuer keys (ES256, JWK) a verifier needs, offline, to check any certificate."""
    return certificates.trust_list()


@router.get(
    "/health/dcc/revocation-list",
    response=RevocationListOut,
    auth=None,
    summary="Giấy chứng nhận tiêm chủng đã thu hồi",
)
def revocation_list(request):
    """Revoked certificates by UCI hash (base64 of the first 16 bytes of SHA-256)."""
    return certificates.revocation_list()


@router.post(
    "/health/prescriptions/{code}/dispense",
    response=DispenseOut,
    summary="Cấp phát đơn thuốc điện tử",
)
def dispense(request, code: str, body: DispenseIn | None = None):
    """A pharmacist dispenses once: 200 the first time, 409 afterwards (or for the loser
    of two at once)."""
    done = prescribing.dispense(
        actor=request.user, code=code, confirmed=bool(body and body.confirmed)
    )
    return {"code": done.code, "status": done.status, "dispensed_at": done.dispensed_at}
