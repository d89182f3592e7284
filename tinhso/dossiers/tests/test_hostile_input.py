"""Hostile uploads and bodies through the API and the pages: each is refused with a
clear 4xx (a problem document in the API), stores nothing, and is never a 500; what
must be accepted (a PDF that is also HTML) is only ever handed back as a download
that no browser renders as one of our pages."""

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.dossiers.models import DossierDocument
from tinhso.testing import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_as, applicant):
    return api_as(applicant)


def _upload(api, code, name, content, kind="giay-phep-cu"):
    return api.post(
        f"/api/v1/dossiers/{code}/documents",
        {"kind": kind, "file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width`×`height` pixels in 100 bytes: decoding it would
    inflate gigabytes, so only the header may be read."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("giay.pdf", b"\x00" * (20 * 1024 * 1024))  # 20 MB of zeros, ~20 kB
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("giay.pdf", _zip_bomb(), "upload_type_not_allowed"),  # a zip (bomb) renamed .pdf
        ("anh.png", _png_header_only(40_000, 40_000), "upload_corrupt"),  # 1.6 gigapixels
        ("anh.png", _png_header_only(2**31 - 1, 2**31 - 1), "upload_corrupt"),
        (
            "trang.pdf",
            b"<!doctype html><script>alert(1)</script>%PDF-1.4",
            "upload_type_not_allowed",
        ),
        (
            "giay.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "upload_type_not_allowed",
        ),
    ],
    ids=["zip-renamed-pdf", "png-gigapixels", "png-max-dimensions", "html-then-pdf", "svg"],
)
def test_hostile_files_are_refused_and_nothing_is_kept(api, draft, name, content, code):
    before = _files()
    kind = "anh-chan-dung" if name.endswith(".png") else "giay-phep-cu"
    response = _upload(api, draft.code, name, content, kind=kind)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert not DossierDocument.objects.exists()
    assert _files() == before


def test_names_with_paths_and_nul_bytes_are_only_labels(api, draft):
    for raw in ("../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "a\x00b.pdf"):
        response = _upload(api, draft.code, raw, PDF)
        assert response.status_code == 201, (raw, response.content)
        name = response.json()["name"]
        assert "/" not in name and "\\" not in name and "\x00" not in name and ".." not in name
    for document in DossierDocument.objects.all():
        stored = (Path(settings.MEDIA_ROOT) / document.file_path).resolve()
        assert Path(settings.MEDIA_ROOT).resolve() in stored.parents
        assert stored.name.startswith(tuple("0123456789abcdef"))  # our random name


def test_a_pdf_that_is_also_html_comes_back_only_as_a_sandboxed_download(
    api, client, draft, applicant
):
    polyglot = PDF.replace(b"%%EOF", b"<html><script>alert(document.cookie)</script>\n%%EOF")
    response = _upload(api, draft.code, "giay.pdf", polyglot)
    assert response.status_code == 201
    document_id = response.json()["id"]
    client.force_login(applicant)
    for url in (
        f"/api/v1/dossiers/{draft.code}/documents/{document_id}",
        f"/ho-so/{draft.code}/tep/{document_id}/",
    ):
        got = (api if url.startswith("/api/") else client).get(url)
        assert got.status_code == 200, url
        assert got["Content-Type"] == "application/pdf"
        assert got["Content-Disposition"].startswith("attachment")
        assert got["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert got["X-Content-Type-Options"] == "nosniff"


def test_an_upload_over_the_limit_is_a_problem_not_a_crash(api, draft, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    response = _upload(api, draft.code, "giay.pdf", PDF + b"%" * 10_000)
    assert response.status_code == 400
    assert response.json()["code"] == "upload_too_large"


def test_deeply_nested_or_oversized_form_data_is_refused(api, draft, settings):
    nested: dict = {}
    for _ in range(40):
        nested = {"x": nested}
    deep = api.patch(
        f"/api/v1/dossiers/{draft.code}",
        json.dumps({"data": nested}),
        content_type="application/json",
    )
    assert deep.status_code == 400 and deep.json()["code"] == "malformed_body"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = api.patch(
        f"/api/v1/dossiers/{draft.code}",
        json.dumps({"data": {"so_gplx_cu": "A" * 20_000}}),
        content_type="application/json",
    )
    assert big.status_code == 413 and big.json()["code"] == "payload_too_large"
    draft.refresh_from_db()
    assert draft.data["so_gplx_cu"] == "AB123456"


def test_too_many_fields_are_a_clear_400_in_the_api_and_the_pages(api, client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    fields = "&".join(f"f{n}=1" for n in range(200))
    response = api.post("/api/v1/verify", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    page = client.post(
        "/tai-khoan/dang-nhap/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 400


def test_an_oversized_page_form_is_a_400_not_a_crash(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    page = client.post(
        "/tai-khoan/dang-nhap/",
        "username=" + "a" * 50_000 + "&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code in {400, 413}
