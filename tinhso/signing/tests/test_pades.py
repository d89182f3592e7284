"""The PAdES module on its own (no database): a test PKI, a one-page PDF signed at
B-T with a visible Vietnamese stamp, and what verification says about it intact,
tampered, revoked, countersigned, broken, or checked against the wrong root."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tinhso.signing import pades

FONT = Path(__file__).resolve().parents[2] / "static" / "fonts" / "DejaVuSans.ttf"
CRL_URL = "https://tinhso.example/pki/issuing.crl"
STAMP = ["Ký bởi: Lê Quang Huy", "Sở Tư pháp tỉnh Quảng Ninh", "Thời gian: 23/11/2026 10:15"]
needs_pdfsig = pytest.mark.skipif(not shutil.which("pdfsig"), reason="needs poppler-utils")


def _one_page_pdf() -> bytes:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("DejaVuSans", 14)
    page.drawString(72, 760, "GIẤY PHÉP LÁI XE — cấp đổi")
    page.drawString(72, 740, "Sở Giao thông vận tải tỉnh Quảng Ninh")
    page.showPage()
    page.save()
    return out.getvalue()


def _sign(pdf, key, cert, pki, **kwargs):
    options = {
        "stamp_lines": STAMP,
        "qr_url": "https://tinhso.example/xac-thuc/?ma=G22.001",
        "font_path": str(FONT),
        "reason": "Kết quả giải quyết hồ sơ G22.001",
        "location": "Hạ Long, Quảng Ninh",
    }
    options.update(kwargs)
    return pades.sign_pdf(pdf, signer_key_pem=key, signer_cert_pem=cert, pki=pki, **options)


@pytest.fixture(scope="module")
def pki():
    return pades.make_pki(province_name="Quảng Ninh", crl_url=CRL_URL)


@pytest.fixture(scope="module")
def signer(pki):
    return pades.issue_signer_certificate(
        pki, common_name="Lê Quang Huy", organisation="Sở Tư pháp tỉnh Quảng Ninh",
        email="huy@stp.quangninh.example",
    )  # fmt: skip


@pytest.fixture(scope="module")
def empty_crl(pki):
    return pades.make_crl(pki, revoked=[])


@pytest.fixture(scope="module")
def signed(pki, signer):
    return _sign(_one_page_pdf(), *signer, pki)


def _verify(pdf, pki, crls=()):
    return pades.verify_pdf(
        pdf, trust_roots_pem=[pki.to_pem_files()["root.crt"]], crls_der=list(crls)
    )


def _serial(cert_pem: bytes) -> int:
    return x509.load_pem_x509_certificate(cert_pem).serial_number


def test_the_pki_round_trips_through_pem_files_and_has_the_right_extensions(pki, signer):
    files = pki.to_pem_files()
    assert set(files) == set(pades.Pki.FILES)
    again = pades.Pki.from_pem_files(files)
    assert again.to_pem_files() == files
    # the platform's own PKI is a test one, and says so in every name
    for cert in (pki.root_cert, pki.issuing_cert, pki.tsa_cert):
        assert "THỬ NGHIỆM" in cert.subject.rfc4514_string()
    assert "Tỉnh số Quảng Ninh - CA gốc THỬ NGHIỆM" in pki.root_cert.subject.rfc4514_string()
    assert pki.issuing_cert.issuer == pki.root_cert.subject
    eku = pki.tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert pki.crl_url == CRL_URL

    cert = x509.load_pem_x509_certificate(signer[1])
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == CRL_URL
    cert.verify_directly_issued_by(pki.issuing_cert)

    mixed = dict(files, **{"tsa.key": files["issuing.key"]})
    with pytest.raises(ValueError):
        pades.Pki.from_pem_files(mixed)


@needs_pdfsig
def test_poppler_says_the_signature_is_valid(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid" in out.stdout, out.stdout + out.stderr
    assert "ETSI.CAdES.detached" in out.stdout and "Lê Quang Huy" in out.stdout
    # Poppler does not know our root: "Certificate issuer is unknown" (or "isn't
    # Trusted"); only the signature line is asserted.


def test_the_signed_pdf_verifies(signed, pki, empty_crl):
    verdict = _verify(signed, pki, [empty_crl])
    assert verdict.valid, verdict.problems
    assert verdict.trusted and not verdict.modified and not verdict.revoked
    assert verdict.signatures == 1 and verdict.signer == "Lê Quang Huy"
    assert verdict.timestamped_at is not None and verdict.signed_at is not None
    assert abs(verdict.timestamped_at - verdict.signed_at) < datetime.timedelta(minutes=1)
    assert verdict.problems == []


def test_without_a_crl_it_verifies_with_a_note(signed, pki):
    verdict = _verify(signed, pki)
    assert verdict.valid and verdict.trusted
    assert any("chưa kiểm tra được việc thu hồi" in str(p) for p in verdict.problems)
    assert not any("revocation" in str(p) for p in verdict.problems)  # no English inside


def _annotation_and_stream(pdf: bytes):
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[-1]
    widgets = [a.get_object() for a in page["/Annots"]]
    widget = next(w for w in widgets if w.get("/FT") == "/Sig")
    return reader, page, widget


def _actual_texts(reader, xobject) -> list[str]:
    texts = []
    for operands, operator in ContentStream(xobject, reader).operations:
        if operator == b"BDC" and isinstance(operands[1], DictionaryObject):
            if "/ActualText" in operands[1]:
                texts.append(str(operands[1]["/ActualText"]))
        elif operator == b"Do":
            inner = xobject["/Resources"]["/XObject"][operands[0]].get_object()
            if inner.get("/Subtype") == "/Form":
                texts += _actual_texts(reader, inner)
    return texts


def test_the_stamp_is_visible_bottom_right_in_vietnamese_with_an_embedded_font(signed):
    reader, page, widget = _annotation_and_stream(signed)
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    mm = 72 / 25.4
    assert abs((x1 - x0) - 75 * mm) < 2 and abs((y1 - y0) - 30 * mm) < 2
    assert x1 > float(page.mediabox.right) - 15 * mm and y0 < 15 * mm
    appearance = widget["/AP"]["/N"].get_object()
    assert _actual_texts(reader, appearance) == STAMP
    fonts = [f.get_object() for f in appearance["/Resources"]["/Font"].values()]
    assert any(str(f["/BaseFont"]).endswith("+DejaVuSans-Identity-H") for f in fonts)
    descendant = fonts[0]["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"]
    # Glyph widths are in thousandths of an em (DejaVu's em is 2048 units).
    widths = [w for item in descendant["/W"] if isinstance(item, list) for w in item]
    assert widths and max(widths) < 1100
    qr = appearance["/Resources"]["/XObject"]["/QR"].get_object()
    assert qr["/Subtype"] == "/Form" and b" re" in qr.get_data()


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_poppler_extracts_the_stamp_text(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60)
    for line in STAMP:
        assert line in out.stdout


def test_a_flipped_byte_inside_the_signed_range_shows(signed, pki, empty_crl):
    byte_range = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].byte_range
    for position in (byte_range[1] // 2, len(signed) // 3):
        tampered = bytearray(signed)
        tampered[position] ^= 0x01
        verdict = _verify(bytes(tampered), pki, [empty_crl])
        assert not verdict.valid and verdict.modified, verdict.problems
        assert verdict.problems


def test_bytes_appended_after_the_signature_show(signed, pki, empty_crl):
    verdict = _verify(signed + b"\n% appended\n", pki, [empty_crl])
    assert not verdict.valid and verdict.modified


@pytest.mark.parametrize("minutes", [+5, -2], ids=["revoked-after-signing", "revoked-before"])
def test_a_crl_revoking_the_signer_shows(signed, signer, pki, minutes):
    when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes)
    crl = pades.make_crl(pki, revoked=[(_serial(signer[1]), when)])
    verdict = _verify(signed, pki, [crl])
    assert verdict.revoked and not verdict.valid
    assert not verdict.modified
    assert verdict.details[0].revoked_at is not None
    assert any("thu hồi" in p for p in verdict.problems)


def test_signing_with_a_revoked_certificate_is_refused_when_the_crl_is_given(pki):
    key, cert = pades.issue_signer_certificate(
        pki, common_name="Trần Văn Bình", organisation="UBND tỉnh", email=""
    )
    crl = pades.make_crl(pki, revoked=[(_serial(cert), datetime.datetime.now(datetime.UTC))])
    with pytest.raises(SigningError):
        _sign(_one_page_pdf(), key, cert, pki, embed_crl=crl)


def test_with_the_crl_embedded_it_is_b_lt_in_one_revision(signer, pki, empty_crl):
    signed = _sign(_one_page_pdf(), *signer, pki, embed_crl=empty_crl)
    reader = PdfFileReader(io.BytesIO(signed))
    assert reader.xrefs.total_revisions == 2
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(list(dss.crls)) == 1 and len(dss.certs) >= 3
    verdict = _verify(signed, pki, [empty_crl])
    assert verdict.valid and not verdict.modified, verdict.problems


def test_a_second_signature_by_another_signer_keeps_both_valid(signed, pki, empty_crl, tmp_path):
    key, cert = pades.issue_signer_certificate(
        pki, common_name="Phạm Thị Mai", organisation="UBND tỉnh Quảng Ninh",
        email="mai@quangninh.example", days=365,
    )  # fmt: skip
    twice = _sign(signed, key, cert, pki, stamp_lines=["Ký bởi: Phạm Thị Mai"])
    assert twice.startswith(signed)  # an incremental update
    verdict = _verify(twice, pki, [empty_crl])
    assert verdict.valid, verdict.problems
    assert verdict.signatures == 2 and not verdict.modified and verdict.trusted
    assert verdict.signer == "Lê Quang Huy; Phạm Thị Mai"
    assert [d.field_name for d in verdict.details] == ["Signature1", "Signature2"]
    _, page, _ = _annotation_and_stream(twice)
    rects = [
        [float(v) for v in a.get_object()["/Rect"]]
        for a in page["/Annots"]
        if a.get_object().get("/FT") == "/Sig"
    ]
    assert len(rects) == 2 and rects[1][1] >= rects[0][3]  # stacked, not overlapping
    if shutil.which("pdfsig"):
        path = tmp_path / "twice.pdf"
        path.write_bytes(twice)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
        assert out.stdout.count("Signature is Valid") == 2, out.stdout

    tampered = bytearray(twice)
    tampered[len(signed) // 2] ^= 0x01  # inside the first signature's range
    verdict = _verify(bytes(tampered), pki, [empty_crl])
    assert not verdict.valid and verdict.modified and verdict.signatures == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda s: b"",
        lambda s: b"not a pdf at all",
        lambda s: bytes(range(256)) * 40,
        lambda s: b"%PDF-1.7\n1 0 obj",
        lambda s: b"%PDF-1.4\n%%EOF\n",
        lambda s: s[: len(s) // 2],
        lambda s: s[:-300],
        lambda s: s.replace(b"/ByteRange", b"/ByteRangX"),
    ],
    ids=["empty", "text", "binary", "header-only", "bare-eof", "half", "truncated-end", "mangled"],
)
def test_bad_input_is_invalid_and_never_raises(signed, pki, empty_crl, make):
    verdict = _verify(make(signed), pki, [empty_crl])
    assert verdict.valid is False
    assert verdict.problems and all(isinstance(p, str) and p for p in verdict.problems)


def test_an_unsigned_pdf_and_a_too_large_one_are_invalid(signed, pki):
    unsigned = _verify(_one_page_pdf(), pki)
    assert not unsigned.valid and unsigned.signatures == 0
    assert "không có chữ ký số" in unsigned.problems[0]
    big = pades.verify_pdf(signed, trust_roots_pem=[], crls_der=[], max_bytes=1000)
    assert not big.valid and "quá lớn" in big.problems[0]


def test_an_encrypted_pdf_is_invalid(pki):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_one_page_pdf())))
    writer.encrypt("user", "owner")
    out = io.BytesIO()
    writer.write(out)
    verdict = _verify(out.getvalue(), pki)
    assert not verdict.valid and "mã hóa" in verdict.problems[0]


def test_against_an_unrelated_root_it_is_not_trusted(signed):
    other = pades.make_pki(province_name="Hà Nội", crl_url="https://other.example/crl")
    verdict = pades.verify_pdf(
        signed,
        trust_roots_pem=[other.to_pem_files()["root.crt"]],
        crls_der=[pades.make_crl(other, revoked=[])],
    )
    assert not verdict.trusted and not verdict.valid
    assert not verdict.modified and verdict.signer == "Lê Quang Huy"
