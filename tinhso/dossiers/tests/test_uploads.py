import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.core.errors import ValidationFailed
from tinhso.core.uploads import clean_display_name
from tinhso.dossiers import services
from tinhso.dossiers.models import DossierDocument
from tinhso.testing import PDF, pdf_file, png_bytes

pytestmark = pytest.mark.django_db


def _attach(draft, applicant, upload, kind="giay-phep-cu"):
    return services.attach_document(actor=applicant, dossier=draft, kind=kind, upload=upload)


def _files_on_disk() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_pdf_and_a_png_are_kept_outside_the_web_root(draft, applicant):
    document = _attach(draft, applicant, pdf_file("../../etc/passwd.pdf"))
    png = _attach(
        draft,
        applicant,
        SimpleUploadedFile("anh.png", png_bytes(), "image/png"),
        kind="anh-chan-dung",
    )
    assert document.display_name == "passwd.pdf"
    assert document.content_type == "application/pdf" and png.content_type == "image/png"
    stored = Path(settings.MEDIA_ROOT) / document.file_path
    assert stored.exists() and stored.read_bytes() == PDF
    assert oct(stored.stat().st_mode)[-3:] == "600"
    assert Path(settings.STATIC_ROOT) not in stored.parents


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("trang.html", b"<html><script>alert(1)</script></html>", "upload_type_not_allowed"),
        ("giay.pdf", b"<html>%PDF-1.4 pretending</html>", "upload_type_not_allowed"),
        ("giay.png", PDF, "upload_name_mismatch"),
        ("giay.exe", b"MZ\x90\x00", "upload_type_not_allowed"),
        ("rong.pdf", b"", "upload_empty"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj", "upload_corrupt"),
        ("hong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "upload_corrupt"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(draft, applicant, name, content, code):
    before = _files_on_disk()
    with pytest.raises(ValidationFailed) as caught:
        _attach(draft, applicant, SimpleUploadedFile(name, content, "application/pdf"))
    assert caught.value.code == code
    assert not DossierDocument.objects.exists()
    assert _files_on_disk() == before


def test_files_over_the_limit_are_refused(draft, applicant, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as caught:
        _attach(draft, applicant, pdf_file(content=PDF + b"%" * 2000))
    assert caught.value.code == "upload_too_large"


def test_a_decompression_bomb_is_refused(draft, applicant, monkeypatch):
    from tinhso.core import uploads

    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationFailed):
        _attach(
            draft,
            applicant,
            SimpleUploadedFile("to.png", png_bytes((50, 50)), "image/png"),
            kind="anh-chan-dung",
        )


def test_the_virus_scanner_hook_can_refuse(draft, applicant, settings):
    settings.UPLOAD_SCANNER = "tinhso.dossiers.tests.test_uploads.AlwaysInfected"
    with pytest.raises(ValidationFailed) as caught:
        _attach(draft, applicant, pdf_file())
    assert caught.value.code == "upload_infected"


class AlwaysInfected:
    def scan(self, path):
        return "EICAR-Test-File"


def test_an_unknown_kind_is_refused(draft, applicant):
    with pytest.raises(ValidationFailed):
        _attach(draft, applicant, pdf_file(), kind="khong-co")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\a\\giấy tờ.pdf", "giấy tờ.pdf"),
        ("../../x.pdf", "x.pdf"),
        ("a\x00b<script>.pdf", "abscript.pdf"),
        ("", "tep"),
        ("..", "tep"),
    ],
)
def test_display_names_are_never_paths(raw, clean):
    assert clean_display_name(raw) == clean
    assert os.sep not in clean_display_name(raw)


def test_files_left_by_a_rolled_back_request_are_swept(draft, applicant):
    import io

    from django.core.management import call_command

    kept = _attach(draft, applicant, pdf_file())
    orphan = Path(settings.MEDIA_ROOT) / "dossiers" / "orphan.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PDF)
    old = 10**9
    os.utime(orphan, (old, old))
    os.utime(Path(settings.MEDIA_ROOT) / kept.file_path, (old, old))
    out = io.StringIO()
    call_command("sweep_files", stdout=out)
    assert "removed 1" in out.getvalue()
    assert not orphan.exists() and (Path(settings.MEDIA_ROOT) / kept.file_path).exists()
