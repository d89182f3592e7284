import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.accounts import services as accounts
from tinhso.dossiers import services

DRIVING = "9.000001"  # province level, Sở Xây dựng, 5 working days, two required papers
BIRTH = "9.000002"  # ward level

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size=(20, 20)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_file(name="giay.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def applicant(citizen):
    accounts.update_profile(actor=citizen, user=citizen, email="cd@example.vn", phone="0912345678")
    citizen.refresh_from_db()
    return citizen


@pytest.fixture
def draft(applicant):
    return services.create_dossier(
        actor=applicant,
        procedure_code=DRIVING,
        data={"hang_gplx": "B", "so_gplx_cu": "AB123456", "cam_ket": True},
    )


@pytest.fixture
def complete_draft(draft, applicant):
    services.attach_document(actor=applicant, dossier=draft, kind="giay-phep-cu", upload=pdf_file())
    services.attach_document(
        actor=applicant, dossier=draft, kind="giay-kham-suc-khoe", upload=pdf_file("kham.pdf")
    )
    return draft


@pytest.fixture
def submitted(complete_draft, applicant):
    return services.take_action(actor=applicant, code=complete_draft.code, action="submit")


# ---------------------------------------------------------------- back office

from tinhso.accounts.models import Role  # noqa: E402


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")


@pytest.fixture
def specialist(make_staff):
    return make_staff(Role.SPECIALIST, "SXD")


@pytest.fixture
def leader(make_staff):
    from tinhso.signing.services import issue_certificate

    person = make_staff(Role.LEADER, "SXD")
    issue_certificate(actor=None, user=person)
    return person


def act(actor, dossier, action, **payload):
    return services.take_action(actor=actor, code=dossier.code, action=action, payload=payload)


@pytest.fixture
def received(submitted, officer):
    return act(officer, submitted, "receive")


@pytest.fixture
def in_progress(received, officer, specialist):
    return act(officer, received, "assign", assignee=specialist.username)


@pytest.fixture
def awaiting_approval(in_progress, specialist):
    return act(specialist, in_progress, "submit_for_approval", note="dự thảo kết quả")


@pytest.fixture
def approved(awaiting_approval, leader):
    return act(leader, awaiting_approval, "approve")


@pytest.fixture
def result_ready(approved, leader):
    return act(leader, approved, "sign")


@pytest.fixture
def returned(result_ready, officer):
    return act(officer, result_ready, "return")
