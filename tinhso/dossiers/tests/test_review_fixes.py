"""Defects a review found, each with the behaviour that now holds."""

import json

import pytest
from django.test import Client

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.dossiers import services, tracking
from tinhso.dossiers.models import Dossier, Status
from tinhso.testing import TEST_PASSWORD, act

pytestmark = pytest.mark.django_db


def _post(api, url, body):
    return api.post(url, json.dumps(body), content_type="application/json")


def test_every_action_body_reaches_its_action(api_as, received, officer, specialist, applicant):
    desk = api_as(officer)
    url = f"/api/v1/dossiers/{received.code}/actions"
    assert (
        _post(desk, f"{url}/assign", {"assignee": specialist.username}).json()["status"]
        == "in_progress"
    )
    agency = api_as(specialist)
    supplement = _post(agency, f"{url}/request_supplement", {"items": ["Ảnh chân dung"]})
    assert supplement.status_code == 200 and supplement.json()["status"] == "awaiting_supplement"
    assert _post(agency, f"{url}/request_supplement", {"itemz": ["x"]}).status_code == 400
    back = _post(api_as(applicant), f"{url}/supplement", {"no_change": True})
    assert back.json()["status"] == "in_progress"
    moved = _post(agency, f"{url}/forward", {"agency": "STP", "note": "đúng thẩm quyền"})
    assert moved.status_code == 200 and moved.json()["agency"] == "STP"


def test_rating_through_the_api(api_as, returned, applicant):
    response = _post(
        api_as(applicant),
        f"/api/v1/dossiers/{returned.code}/actions/rate",
        {"rating": 5, "comment": "Tốt"},
    )
    assert response.status_code == 200
    assert Dossier.objects.get(pk=returned.pk).rating == 5


def test_a_placeholder_token_never_replays_someone_elses_answer(client, applicant):
    first = Client(HTTP_AUTHORIZATION="Bearer undefined")
    first.force_login(applicant)
    body = {"procedure": "9.000001", "data": {}}
    created = first.post(
        "/api/v1/dossiers",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert created.status_code == 201
    stranger = Client(HTTP_AUTHORIZATION="Bearer undefined")
    replay = stranger.post(
        "/api/v1/dossiers",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert replay.status_code == 401 and "Idempotent-Replayed" not in replay


def test_officers_need_the_second_factor_in_the_api_too(client, approved, leader):
    client.force_login(leader)  # password only
    response = _post(client, f"/api/v1/dossiers/{approved.code}/actions/sign", {})
    assert response.status_code == 401
    assert Dossier.objects.get(pk=approved.pk).status == Status.APPROVED


def test_id_numbers_edited_in_a_supplement_are_masked_in_the_audit_log(
    applicant, officer, ward_codes
):
    from tinhso.testing import pdf_file

    ward = ward_codes[0].removeprefix("UBND")
    dossier = services.create_dossier(
        actor=applicant,
        procedure_code="9.000002",
        data={
            "ward": ward,
            "ho_ten_tre": "Bé An",
            "ngay_sinh_tre": "2026-01-02",
            "gioi_tinh_tre": "Nam",
        },
    )
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-chung-sinh", upload=pdf_file()
    )
    act(applicant, dossier, "submit")
    ward_officer = __import__("tinhso.accounts.services", fromlist=["x"]).create_staff_user(
        actor=None, username="motcuaxa", full_name="Cán Bộ Xã", email="", role=Role.ONE_STOP_OFFICER,
        agency=dossier.desk, password=TEST_PASSWORD,
    )  # fmt: skip
    act(ward_officer, dossier, "request_supplement", items=["Số định danh của mẹ"])
    services.update_draft(
        actor=applicant, dossier=dossier, data={"so_dinh_danh_me": applicant.personal_id}
    )
    event = AuditEvent.objects.filter(action="dossiers.data_supplemented").latest("seq")
    assert applicant.personal_id not in json.dumps(event.after)
    assert event.after["so_dinh_danh_me"].count("*") == 6


def test_a_supplement_that_removes_required_answers_is_refused(received, officer, applicant):
    act(officer, received, "request_supplement", items=["Hạng giấy phép"])
    services.update_draft(actor=applicant, dossier=received, data={"hang_gplx": ""})
    with pytest.raises(ValidationFailed):
        act(applicant, received, "supplement")
    assert Dossier.objects.get(pk=received.pk).status == Status.AWAITING_SUPPLEMENT


def test_no_officer_processes_their_own_dossier(make_staff):
    import datetime

    from tinhso.accounts import services as accounts
    from tinhso.demo.accounts import demo_personal_id

    officer = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    officer.personal_id = demo_personal_id(birth=datetime.date(1988, 1, 1), sex="male")
    officer.date_of_birth = datetime.date(1988, 1, 1)
    officer.phone = "0912000000"
    officer.save()
    from tinhso.accounts.identity import verify_identity

    officer = verify_identity(
        actor=None, personal_id=officer.personal_id, date_of_birth=officer.date_of_birth
    )
    accounts.grant_role(actor=None, user=officer, role=Role.CITIZEN)
    from tinhso.testing import pdf_file

    dossier = services.create_dossier(
        actor=officer,
        procedure_code="9.000001",
        data={"hang_gplx": "B", "so_gplx_cu": "1", "cam_ket": True},
    )
    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        services.attach_document(actor=officer, dossier=dossier, kind=kind, upload=pdf_file())
    act(officer, dossier, "submit")
    with pytest.raises(PermissionDenied):
        act(officer, dossier, "receive")


def test_a_paused_dossier_is_not_late(received, officer):
    import datetime

    act(officer, received, "request_supplement", items=["x"])
    Dossier.objects.filter(pk=received.pk).update(due_date=datetime.date(2020, 1, 1))
    assert not Dossier.objects.get(pk=received.pk).is_late()


def test_guessing_the_four_digits_is_limited(client, submitted):
    right = {submitted.applicant_phone[-4:], (submitted.applicant_identifier or "")[-4:]}
    wrong = [d for d in (f"{n:04d}" for n in range(100)) if d not in right]  # the ID is random
    for digits in wrong[: tracking.TRACKING_FAILURES_PER_HOUR]:
        assert (
            client.get("/api/v1/tracking", {"code": submitted.code, "last4": digits}).status_code
            == 404
        )
    blocked = client.get("/api/v1/tracking", {"code": submitted.code, "last4": "5678"})
    assert blocked.status_code == 429
