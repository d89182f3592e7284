"""The register entry a signed result's QR opens (issue 17, item 10): what it says,
the original for whoever holds the key, and whether an uploaded PDF *is* that
document."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.documents.models import IssuedDocument, IssuedStatus
from tinhso.dossiers.results import verification_link
from tinhso.signing.services import _register_link

pytestmark = pytest.mark.django_db


def _original(dossier) -> bytes:
    return (Path(settings.MEDIA_ROOT) / dossier.result_file).read_bytes()


def test_the_qr_of_a_signed_result_opens_its_register_entry(client, result_ready):
    key = result_ready.result_key
    assert key and len(key) >= 16  # 80 bits from a 32-letter alphabet
    assert verification_link(result_ready).endswith(f"/van-ban/{key}/")
    assert _register_link(result_ready).endswith(f"/van-ban/{key}/")  # the stamp's QR too
    page = client.get(f"/van-ban/{key}/").content.decode()
    assert result_ready.result_number in page and result_ready.agency.name in page
    assert "Còn hiệu lực" in page
    assert hashlib.sha256(_original(result_ready)).hexdigest() in page
    assert result_ready.applicant_identifier not in page  # the holder masked
    assert result_ready.applicant_identifier[:4] + "******" in page
    assert result_ready.applicant_name not in page
    download = client.get(f"/van-ban/{key}/ban-goc.pdf")
    assert b"".join(download.streaming_content) == _original(result_ready)


def test_an_upload_is_that_document_or_not(client, result_ready):
    key = result_ready.result_key
    original = _original(result_ready)
    same = client.post(
        f"/van-ban/{key}/", {"file": SimpleUploadedFile("a.pdf", original, "application/pdf")}
    )
    assert "Đúng là văn bản này" in same.content.decode()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 1
    other = client.post(
        f"/van-ban/{key}/",
        {"file": SimpleUploadedFile("b.pdf", bytes(changed), "application/pdf")},
    )
    html = other.content.decode()
    assert "Không phải văn bản này" in html and "Đúng là văn bản này" not in html


def test_a_revoked_result_says_so(client, result_ready):
    IssuedDocument.objects.filter(code=result_ready.result_key).update(status=IssuedStatus.REVOKED)
    assert "Đã bị thu hồi" in client.get(f"/van-ban/{result_ready.result_key}/").content.decode()


def test_a_wrong_key_finds_nothing(client, result_ready):
    assert client.get("/van-ban/not-a-key/").status_code == 404
    assert client.get(f"/van-ban/{result_ready.result_key[:-1]}/ban-goc.pdf").status_code == 404


def test_a_pdf_without_a_signature_shows_dashes_not_no(client):
    from tinhso.testing import pdf_file

    page = client.post(
        "/xac-thuc/", {"file": SimpleUploadedFile("a.pdf", pdf_file().read(), "application/pdf")}
    ).content.decode()
    verdict = page.split('id="verdict"', 1)[1]
    changed = verdict.split("Bị sửa sau khi ký</dt><dd>", 1)[1].split("</dd>", 1)[0]
    revoked = verdict.split("bị thu hồi</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert changed == "—" and revoked == "—"
