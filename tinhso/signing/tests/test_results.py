"""The platform's signed results, end to end at the service level: the dossier's
result is a PAdES signature Poppler accepts, anyone can verify it, a changed byte or
a revoked certificate shows, and the citizen reuses it in a later dossier."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.core.errors import Conflict, PermissionDenied
from tinhso.documents import selectors as store
from tinhso.dossiers import services
from tinhso.dossiers.models import Status
from tinhso.signing import services as signing
from tinhso.signing.models import SigningCertificate
from tinhso.testing import act

pytestmark = pytest.mark.django_db


def _result_bytes(dossier) -> bytes:
    return (Path(settings.MEDIA_ROOT) / dossier.result_file).read_bytes()


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="make test installs poppler-utils")
def test_poppler_accepts_the_signed_result(result_ready, tmp_path):
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(_result_bytes(result_ready))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid" in out.stdout, out.stdout + out.stderr


def test_anyone_can_verify_it_and_a_changed_byte_shows(result_ready, leader, client):
    document = _result_bytes(result_ready)
    verdict = signing.verify(document)
    assert verdict.valid and verdict.trusted and not verdict.modified and not verdict.revoked
    assert leader.full_name in verdict.signer and verdict.timestamped_at is not None
    tampered = bytearray(document)
    middle = len(tampered) // 3
    tampered[middle] = (tampered[middle] + 1) % 256
    changed = signing.verify(bytes(tampered))
    assert not changed.valid and changed.modified
    api = client.post(
        "/api/v1/verify",
        {"file": SimpleUploadedFile("kq.pdf", document, "application/pdf")},
    )
    assert api.status_code == 200
    assert api.json()["valid"] is True and api.json()["modified"] is False
    page = client.post(
        "/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", bytes(tampered), "application/pdf")}
    )
    assert "Văn bản đã bị thay đổi sau khi ký" in page.content.decode()


def test_after_revocation_verification_says_revoked(result_ready, leader, province_admin):
    certificate = SigningCertificate.objects.get(user=leader)
    signing.revoke_certificate(actor=province_admin, certificate=certificate, reason="Mất khóa")
    verdict = signing.verify(_result_bytes(result_ready))
    assert verdict.revoked and not verdict.valid
    with pytest.raises(Conflict):
        signing.revoke_certificate(actor=province_admin, certificate=certificate, reason="lần 2")


def test_a_leader_without_a_certificate_cannot_sign(approved, leader, province_admin):
    certificate = SigningCertificate.objects.get(user=leader)
    signing.revoke_certificate(actor=province_admin, certificate=certificate, reason="Hết hạn")
    with pytest.raises(PermissionDenied):  # permission (a certificate) before state
        act(leader, approved, "sign")
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_bad_input_to_the_verifier_gets_an_answer_not_a_500(client):
    for content in (b"", b"not a pdf", b"%PDF-1.7\n1 0 obj", b"%PDF-1.4\n%%EOF\n"):
        response = client.post(
            "/api/v1/verify", {"file": SimpleUploadedFile("x.pdf", content, "application/pdf")}
        )
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.json()["valid"] is False


def test_the_result_goes_to_the_citizens_store_and_is_reused(result_ready, applicant):
    kept = store.documents_of(applicant).filter(digitally_signed=True)
    assert kept.count() == 1 and result_ready.result_number in kept[0].title
    # The old licence paper of 9.000001 accepts that procedure's result (as data).
    reusable = store.reusable(applicant, kind="giay-phep-cu", accepts=["9.000001"])
    assert kept[0] in reusable  # beside the old licence paper accepted at receipt
    later = services.create_dossier(
        actor=applicant,
        procedure_code="9.000001",
        data={"hang_gplx": "B", "so_gplx_cu": "AB2", "cam_ket": True},
    )
    document = services.attach_from_store(
        actor=applicant, dossier=later, kind="giay-phep-cu", stored_document_id=kept[0].pk
    )
    assert document.stored_document_id == kept[0].pk and document.sha256 == kept[0].sha256


def test_papers_accepted_at_receipt_go_to_the_store(received, applicant):
    kinds = set(store.documents_of(applicant).values_list("kind", flat=True))
    assert kinds == {"giay-phep-cu", "giay-kham-suc-khoe"}


def test_the_crl_is_published_at_a_stable_url(client):
    response = client.get("/pki/issuing.crl")
    assert response.status_code == 200 and response["Content-Type"] == "application/pkix-crl"
    assert client.get("/pki/root.crt").content.startswith(b"-----BEGIN CERTIFICATE-----")


def test_pki_keys_are_private(result_ready):
    for name in signing.PKI_FILES:
        assert oct((signing.pki_dir() / name).stat().st_mode)[-3:] == "600"


def test_a_leader_signs_many_results_as_a_background_job(
    api_as, applicant, leader, people_in_bulk, django_capture_on_commit_callbacks
):
    codes = people_in_bulk(3)
    api = api_as(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/sign-batches",
            __import__("json").dumps({"codes": [*codes, "KHONG-CO-0001"]}),
            content_type="application/json",
        )
    assert response.status_code == 202
    job = api.get(f"/api/v1/jobs/{response.json()['id']}").json()
    assert (job["state"], job["done"], job["failed"]) == ("done", 3, 1)
    assert "KHONG-CO-0001" in job["log"][0]
    from tinhso.dossiers.models import Dossier

    assert set(Dossier.objects.filter(code__in=codes).values_list("status", flat=True)) == {
        "result_ready"
    }
    # running the same job again changes nothing (idempotent per dossier)
    from tinhso.core import jobs

    again = jobs.run(job["id"])
    assert again.done >= 3


def test_only_leaders_sign_in_bulk(api_as, specialist):
    response = api_as(specialist).post(
        "/api/v1/sign-batches", '{"codes": ["X"]}', content_type="application/json"
    )
    assert response.status_code == 403


@pytest.fixture
def people_in_bulk(applicant, officer, specialist, leader):
    def make(n):
        codes = []
        for _ in range(n):
            d = services.create_dossier(
                actor=applicant,
                procedure_code="9.000001",
                data={"hang_gplx": "B", "so_gplx_cu": "X1", "cam_ket": True},
            )
            for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
                services.attach_document(
                    actor=applicant,
                    dossier=d,
                    kind=kind,
                    upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
                )
            for who, action, extra in [
                (applicant, "submit", {}),
                (officer, "receive", {}),
                (officer, "assign", {"assignee": specialist.username}),
                (specialist, "submit_for_approval", {}),
                (leader, "approve", {}),
            ]:
                act(who, d, action, **extra)
            codes.append(d.code)
        return codes

    return make
