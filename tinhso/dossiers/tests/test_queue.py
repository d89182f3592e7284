import io
import json

import pytest
from pypdf import PdfReader

from tinhso.accounts.models import Role
from tinhso.dossiers import selectors
from tinhso.testing import act

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def _codes(api) -> list[str]:
    return [d["code"] for d in api.get("/api/v1/queue").json()["results"]]


def test_each_dossier_waits_where_its_next_step_is(
    api_as, submitted, officer, specialist, make_staff, ward_codes
):
    desk, agency = api_as(officer), api_as(specialist)
    assert _codes(desk) == [submitted.code] and _codes(agency) == []
    act(officer, submitted, "receive")
    assert _codes(desk) == [] and _codes(agency) == [submitted.code]
    # a finished or passed-on state is still found by naming it
    assert desk.get("/api/v1/queue", {"status": "received"}).json()["count"] == 1
    for outsider in (make_staff(Role.SPECIALIST, "STP"), make_staff(Role.LEADER, ward_codes[0])):
        assert api_as(outsider).get("/api/v1/queue").json()["count"] == 0


def test_citizens_have_no_queue(api_as, applicant):
    assert api_as(applicant).get("/api/v1/queue").status_code == 403


def test_queue_filters_and_counts(api_as, received, officer, specialist, applicant):
    api = api_as(specialist)
    assert api.get("/api/v1/queue", {"status": "received"}).json()["count"] == 1
    assert api.get("/api/v1/queue", {"status": "submitted"}).json()["count"] == 0
    assert api.get("/api/v1/queue", {"q": received.code}).json()["count"] == 1
    assert api.get("/api/v1/queue", {"q": applicant.full_name[:8]}).json()["count"] == 1
    assert api.get("/api/v1/queue", {"due": "late"}).json()["count"] == 0
    assert api.get("/api/v1/queue", {"due": "bogus"}).status_code == 400
    assert selectors.queue_counts(specialist) == {"received": 1}
    assert selectors.queue_counts(officer) == {}


def test_late_is_computed_not_stored(received, specialist):
    import datetime

    from tinhso.dossiers.models import Dossier

    Dossier.objects.filter(pk=received.pk).update(due_date=datetime.date(2020, 1, 1))
    assert [d.code for d in selectors.officer_queue(specialist, due="late")] == [received.code]
    assert Dossier.objects.get(pk=received.pk).is_late()


def test_queue_page_query_count_does_not_grow_with_the_page(
    api_as, applicant, officer, people_factory, django_assert_max_num_queries
):
    people_factory(5)
    api = api_as(officer)
    with django_assert_max_num_queries(9):
        response = api.get("/api/v1/queue", {"page_size": 50})
    assert response.status_code == 200
    assert response.json()["count"] == 5


@pytest.fixture
def people_factory(applicant):
    from tinhso.testing import DRIVING_PAPERS
    from tinhso.testing.factories import DossierFactory

    def make(n):
        DossierFactory.create_batch(
            n,
            applicant=applicant,
            data={"hang_gplx": "B", "so_gplx_cu": "X1", "cam_ket": True},
            papers=DRIVING_PAPERS,
            submit=True,
        )

    return make


def test_slips_and_the_control_slip_are_pdfs(api_as, applicant, officer, received, specialist):
    act(officer, received, "assign", assignee=specialist.username)
    act(specialist, received, "request_supplement", items=["Bản chụp giấy phép lái xe cũ"])
    api = api_as(applicant)
    listed = api.get(f"/api/v1/dossiers/{received.code}/slips").json()
    assert [s["kind"] for s in listed] == ["receipt", "supplement"]
    supplement = api.get(f"/api/v1/dossiers/{received.code}/slips/{listed[1]['id']}.pdf")
    assert "PHIẾU YÊU CẦU BỔ SUNG" in _text(supplement)
    assert "Bản chụp giấy phép lái xe cũ" in _text(supplement)
    control = _text(api.get(f"/api/v1/dossiers/{received.code}/control-slip.pdf"))
    # steps handed on the day they started finish before their deadline (form 06's words)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control and "Trước hạn" in control


def test_actions_through_the_api_give_403_then_409(
    api_as, submitted, officer, specialist, make_citizen
):
    stranger = api_as(make_citizen())
    url = f"/api/v1/dossiers/{submitted.code}/actions/receive"
    assert stranger.post(url, "{}", content_type="application/json").status_code == 404
    not_theirs_to_take = api_as(specialist).post(url, "{}", content_type="application/json")
    assert not_theirs_to_take.status_code == 403  # in their sight, not their step
    api = api_as(officer)
    assert api.post(url, "{}", content_type="application/json").status_code == 200
    again = api.post(url, "{}", content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "dossiers_not_allowed_in_state"
    refused = api.post(
        f"/api/v1/dossiers/{submitted.code}/actions/request_supplement",
        json.dumps({"items": "not a list"}),
        content_type="application/json",
    )
    assert refused.status_code == 400
