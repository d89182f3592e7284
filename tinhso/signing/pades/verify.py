"""Verification of an untrusted PDF: every signature is checked against the given
trust roots and CRLs only, and :func:`verify_pdf` never raises: bad input gets a
:class:`~.results.Verification` with ``valid=False`` and a reason."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from asn1crypto import cms, core
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from tinhso.signing import limits

from .byterange import _damaged, _raw_digest_matches
from .certs import _UTC, _asn1_cert, _common_name
from .results import SignatureCheck, Verification, _describe, _rejected, _safe


def verify_pdf(
    pdf: bytes,
    *,
    trust_roots_pem: list[bytes],
    crls_der: list[bytes],
    max_bytes: int = 20_000_000,
) -> Verification:
    """Check every signature in ``pdf``; never raises.

    Trust comes only from ``trust_roots_pem`` (PEM, a file may hold several) and
    revocation only from ``crls_der`` (DER or PEM); nothing is fetched and the
    document's own embedded CRLs are not used. A signature is validated at the time
    of its signature timestamp (the signing time attested by the TSA; now when it has
    none), so the question is "was the certificate valid when it signed". Revocation
    is "hard-fail" for a certificate whose issuer's CRL was supplied, "soft-fail"
    (with a note in ``problems``) otherwise. A certificate listed on a supplied CRL
    is ``revoked`` and the signature not valid, whether it was revoked before or
    after signing: ``details[i].revoked_at`` and the problem text tell which.

    Not a PDF, empty, truncated, damaged, encrypted, larger than ``max_bytes`` or
    unsigned: ``valid=False`` and a problem saying so. A damaged file that still
    shows signature data is checked byte for byte, so tampering that breaks the PDF
    structure still reports ``modified``."""
    try:
        return _verify(pdf, trust_roots_pem, crls_der, max_bytes)
    except Exception as exc:  # noqa: BLE001 - untrusted input must never raise
        return _rejected(_("Không kiểm tra được tệp: %(why)s.") % {"why": _describe(exc)})


def _verify(pdf, trust_roots_pem, crls_der, max_bytes) -> Verification:
    if not isinstance(pdf, bytes | bytearray | memoryview):
        return _rejected(_("Chưa có nội dung tệp."))
    pdf = bytes(pdf)
    if not pdf:
        return _rejected(_("Tệp rỗng."))
    if len(pdf) > max_bytes:
        return _rejected(
            _("Tệp quá lớn để kiểm tra (%(size)s byte; giới hạn %(limit)s byte).")
            % {"size": f"{len(pdf):,}", "limit": f"{max_bytes:,}"}
        )
    if b"%PDF-" not in pdf[:1024]:
        return _rejected(_("Tệp không phải PDF."))

    problems: list[str] = []
    roots = _load_roots(trust_roots_pem, problems)
    crls = _load_crls(crls_der, problems)

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        encrypted = reader.encrypted
        signatures = [] if encrypted else limits.regular_signatures(reader)
    except limits.TooComplex as exc:  # each signature once, and only so many
        return _rejected(str(exc))
    except Exception as exc:  # noqa: BLE001 - a broken PDF is an answer, not an error
        return _damaged(pdf, exc)
    if encrypted:
        return _rejected(_("PDF đã bị mã hóa; không kiểm tra được PDF mã hóa."))
    if not signatures:
        return _rejected(_("PDF không có chữ ký số."))

    checks = [
        _check_signature(sig, roots, crls, is_last=(i == len(signatures) - 1))
        for i, sig in enumerate(signatures)
    ]
    several = len(checks) > 1
    for i, check in enumerate(checks, start=1):
        prefix = f"Signature {i} ({check.signer or check.field_name}): " if several else ""
        problems.extend(prefix + p for p in check.problems)
    last = checks[-1]
    return Verification(
        valid=all(c.valid for c in checks),
        signer="; ".join(c.signer for c in checks if c.signer),
        signed_at=last.signed_at,
        timestamped_at=last.timestamped_at,
        modified=any(c.modified for c in checks),
        trusted=all(c.trusted for c in checks),
        revoked=any(c.revoked for c in checks),
        problems=problems,
        signatures=len(checks),
        details=checks,
    )


@dataclass(frozen=True)
class _Crl:
    asn1: asn1_crl.CertificateList
    parsed: x509.CertificateRevocationList


def _load_roots(pems: list[bytes], problems: list[str]) -> list[asn1_x509.Certificate]:
    roots = []
    for pem in pems or []:
        try:
            roots += [_asn1_cert(c) for c in x509.load_pem_x509_certificates(pem)]
        except Exception:  # noqa: BLE001
            problems.append(_("Một chứng thư gốc tin cậy đã cấu hình không đọc được và bị bỏ qua."))
    return roots


def _load_crls(ders: list[bytes], problems: list[str]) -> list[_Crl]:
    crls = []
    for der in ders or []:
        try:
            parsed = (
                x509.load_pem_x509_crl(der)
                if der.lstrip().startswith(b"-----BEGIN")
                else x509.load_der_x509_crl(der)
            )
            raw = parsed.public_bytes(serialization.Encoding.DER)
            crls.append(_Crl(asn1_crl.CertificateList.load(raw), parsed))
        except Exception:  # noqa: BLE001
            problems.append(
                _("Một danh sách thu hồi (CRL) được cung cấp không đọc được và bị bỏ qua.")
            )
    return crls


def _check_signature(sig, roots, crls: list[_Crl], *, is_last: bool) -> SignatureCheck:
    """One signature's verdict: read, validate with pyHanko, then judge integrity,
    later changes, the timestamp, revocation and trust, in that order (the order of
    the problems it reports)."""
    field_name = _safe(lambda: str(sig.field_name), "")
    problems: list[str] = []
    try:
        signer_cert = sig.signer_cert
        signer = _common_name(signer_cert)
    except Exception as exc:  # noqa: BLE001
        return SignatureCheck(
            field_name, "", False, False, False, False, None, True, None, None,
            [_("Không đọc được dữ liệu chữ ký: %(why)s.") % {"why": _describe(exc)}],
        )  # fmt: skip
    claimed_ts = _safe(lambda: _timestamp_time(sig.signer_info), None)
    context = _validation_context(sig, signer_cert, roots, crls, claimed_ts, problems)
    try:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=context,
            key_usage_settings=KeyUsageConstraints(
                key_usage={"digital_signature", "non_repudiation"}
            ),
        )
    except Exception as exc:  # noqa: BLE001
        return _unvalidated(sig, field_name, signer, exc, problems)

    intact = _integrity(status, problems)
    modified = _modification(sig, status, is_last=is_last, problems=problems)
    timestamped_at, ts_ok = _timestamp(status, claimed_ts, problems)
    revoked, revoked_at = _revocation(sig, signer_cert, status, crls, timestamped_at, problems)
    trusted = _trust(status, intact=intact, revoked=revoked, problems=problems)
    valid = bool(intact and trusted and not revoked and not modified and ts_ok)
    return SignatureCheck(
        field_name=field_name,
        signer=signer,
        valid=valid,
        intact=intact,
        trusted=trusted,
        revoked=revoked,
        revoked_at=revoked_at,
        modified=modified,
        signed_at=status.signer_reported_dt,
        timestamped_at=timestamped_at,
        problems=problems,
    )


def _validation_context(
    sig, signer_cert, roots, crls: list[_Crl], claimed_ts, problems: list[str]
) -> ValidationContext:
    """Trust from ``roots`` only, revocation from ``crls`` only (hard-fail when the
    signer's issuer has one, else soft-fail with a note), at the claimed timestamp."""
    issuer = signer_cert.issuer.dump()
    relevant = [c.asn1 for c in crls if c.asn1["tbs_cert_list"]["issuer"].dump() == issuer]
    if not relevant:
        problems.append(
            _(
                "Lưu ý: chưa kiểm tra được việc thu hồi chứng thư chữ ký số: không có danh "
                "sách thu hồi (CRL) của tổ chức cấp chứng thư."
            )
        )
    return ValidationContext(
        trust_roots=roots,
        other_certs=list(sig.other_embedded_certs),
        crls=[c.asn1 for c in crls],
        allow_fetching=False,
        revocation_mode="hard-fail" if relevant else "soft-fail",
        retroactive_revinfo=True,
        moment=claimed_ts,
    )


def _unvalidated(sig, field_name: str, signer: str, exc: Exception, problems) -> SignatureCheck:
    """pyHanko could not validate the signature: not valid, and the raw digest says
    whether the signed bytes were changed."""
    intact = _safe(lambda: _raw_digest_matches(sig), None)
    problems.append(_("Không xác thực được chữ ký: %(why)s.") % {"why": _describe(exc)})
    if intact is False:
        problems.append(_("Nội dung đã ký bị thay đổi sau khi ký."))
    return SignatureCheck(
        field_name, signer, False, bool(intact), False, False, None, intact is False,
        _safe(lambda: sig.self_reported_timestamp, None), None, problems,
    )  # fmt: skip


def _integrity(status, problems: list[str]) -> bool:
    """Whether the signed digest matches and the cryptographic signature is valid."""
    if not status.intact:
        problems.append(_("Nội dung đã ký bị thay đổi sau khi ký (mã băm không khớp)."))
    elif not status.valid:
        problems.append(_("Chữ ký mật mã không hợp lệ."))
    return bool(status.intact and status.valid)


def _modification(sig, status, *, is_last: bool, problems: list[str]) -> bool:
    """Whether the file was changed after the signature beyond what may follow it."""
    modified = not status.intact
    coverage = status.coverage
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        modified = True
        problems.append(_("Chữ ký không bao trùm toàn bộ phiên bản tệp của nó."))
    level = status.modification_level
    # After the last signature only validation data (DSS, document timestamps) may
    # follow; after an earlier one, also later signatures (pyHanko calls adding one
    # "form filling"). Annotations or other changes count as modification.
    allowed = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
    if not is_last:
        allowed += (ModificationLevel.FORM_FILLING,)
    if level is not None and level not in allowed:
        modified = True
        if is_last:
            problems.append(_("Tệp bị thay đổi sau chữ ký cuối cùng."))
        else:
            problems.append(_("Tệp bị thay đổi sau chữ ký này, không chỉ bởi các chữ ký sau."))
    if status.docmdp_ok is False and not modified:
        modified = True
        problems.append(_("Quy tắc của văn bản không cho phép thay đổi sau chữ ký này."))
    # No later revision, yet the signed range stops short of the end of the file:
    # bytes were appended that are not an incremental update.
    if (
        is_last
        and not modified
        and coverage != SignatureCoverageLevel.ENTIRE_FILE
        and _safe(lambda: _appended_after(sig), False)
    ):
        modified = True
        problems.append(_("Có dữ liệu được nối thêm vào tệp sau chữ ký cuối cùng."))
    return modified


def _timestamp(status, claimed_ts, problems: list[str]) -> tuple[datetime.datetime | None, bool]:
    """The signature timestamp's time and whether it is valid and trusted."""
    ts = status.timestamp_validity
    if ts is None:
        if claimed_ts is not None:
            problems.append(_("Không đọc được dấu thời gian của chữ ký."))
            return None, False
        return None, True
    if not (ts.intact and ts.valid):
        problems.append(_("Dấu thời gian của chữ ký không hợp lệ."))
        return ts.timestamp, False
    if not ts.trusted:
        problems.append(
            _("Đơn vị cấp dấu thời gian không được tin cậy%(detail)s.")
            % {"detail": _trust_detail(ts.trust_problem_indic)}
        )
        return ts.timestamp, False
    return ts.timestamp, True


def _revocation(
    sig, signer_cert, status, crls: list[_Crl], timestamped_at, problems: list[str]
) -> tuple[bool, datetime.datetime | None]:
    """Whether the signer's certificate is revoked, and since when, saying whether
    that was before or after it signed."""
    revoked_at = None
    if status.revocation_details is not None and not status.revocation_details.ca_revoked:
        revoked_at = status.revocation_details.revocation_date
    listed = _listed_on_crl(sig, signer_cert, status, crls)
    if listed is not None:
        revoked_at = listed
    revoked = revoked_at is not None or bool(status.revoked)
    if revoked:
        when = timestamped_at or status.signer_reported_dt
        if revoked_at is not None and when is not None:
            message = (
                _("Chứng thư của người ký bị thu hồi lúc %(revoked)s, sau thời điểm ký %(signed)s.")
                if revoked_at > when
                else _(
                    "Chứng thư của người ký bị thu hồi lúc %(revoked)s, trước thời điểm ký %(signed)s."
                )
            )
            problems.append(message % {"revoked": _fmt(revoked_at), "signed": _fmt(when)})
        else:
            problems.append(_("Chứng thư của người ký (hoặc của tổ chức cấp) đã bị thu hồi."))
    return revoked, revoked_at


def _trust(status, *, intact: bool, revoked: bool, problems: list[str]) -> bool:
    """Whether the signer's certificate chains to a trust root and was valid when it
    signed (a revoked one still counts as trusted: revocation is reported apart)."""
    path_found = status.validation_path is not None
    trust_problem = status.trust_problem_indic
    trusted = bool(path_found and intact and (trust_problem is None or revoked))
    if intact and not trusted:
        if not path_found:
            problems.append(
                _("Chứng thư của người ký không dẫn tới chứng thư gốc tin cậy%(detail)s.")
                % {"detail": _trust_detail(trust_problem)}
            )
        else:
            problems.append(
                _("Chứng thư của người ký không có hiệu lực vào thời điểm ký%(detail)s.")
                % {"detail": _trust_detail(trust_problem)}
            )
    return trusted


def _listed_on_crl(sig, signer_cert, status, crls: list[_Crl]) -> datetime.datetime | None:
    """The revocation date when a supplied CRL lists the signer's certificate. The
    CRL must verify under the key of a certificate named as the signer's issuer (on
    the validation path, or embedded in the signature: a forged embedded issuer
    cannot make the CA's CRL verify)."""
    candidates = []
    if status.validation_path is not None:
        candidates += list(status.validation_path.iter_certs(include_root=True))
    candidates += list(_safe(lambda: sig.other_embedded_certs, []))
    issuer_keys = []
    for cert in candidates:
        if cert.subject == signer_cert.issuer:
            issuer_keys.append(x509.load_der_x509_certificate(cert.dump()).public_key())
    for crl in crls:
        if crl.asn1["tbs_cert_list"]["issuer"] != signer_cert.issuer:
            continue
        if not any(
            _safe(lambda k=k, c=crl: c.parsed.is_signature_valid(k), False) for k in issuer_keys
        ):
            continue
        entry = crl.parsed.get_revoked_certificate_by_serial_number(signer_cert.serial_number)
        if entry is not None:
            return entry.revocation_date_utc
    return None


def _appended_after(sig) -> bool:
    """Whether non-blank bytes follow the signed range of a signature that is in the
    file's last revision."""
    reader = sig.reader
    if sig.signed_revision != reader.xrefs.total_revisions - 1:
        return False
    _start1, len1, start2, len2 = sig.byte_range
    stream = reader.stream
    stream.seek(start2 + len2)
    return bool(stream.read().strip())


def _timestamp_time(signer_info: cms.SignerInfo) -> datetime.datetime | None:
    """genTime of the signature timestamp token (not yet validated: it only sets the
    validation time; pyHanko validates the token itself)."""
    unsigned = signer_info["unsigned_attrs"]
    if isinstance(unsigned, core.Void):
        return None
    for attr in unsigned:
        if attr["type"].native != "signature_time_stamp_token":
            continue
        for token in attr["values"]:
            tst_info = token["content"]["encap_content_info"]["content"].parsed
            return tst_info["gen_time"].native
    return None


def _trust_detail(indication) -> str:
    if indication is None:
        return ""
    return f" ({getattr(indication, 'name', indication)})"


def _fmt(moment: datetime.datetime) -> str:
    return moment.astimezone(_UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
