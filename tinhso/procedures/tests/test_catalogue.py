import json

import pytest

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.procedures import selectors, services
from tinhso.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def codes(results) -> list[str]:
    return [p.code for p in results]


@pytest.mark.parametrize(
    "query",
    [
        "giay phep lai xe",
        "GIẤY PHÉP LÁI XE",
        "doi giay phep",
        "giay phep lai xee",
        "giấy phép lái  xe",
    ],
)
def test_search_ignores_accents_case_and_small_typos(query):
    assert codes(selectors.procedures(q=query))[0] == "9.000001"


def test_search_by_code():
    assert codes(selectors.procedures(q="9.000002")) == ["9.000002"]


def test_nonsense_finds_nothing():
    assert codes(selectors.procedures(q="qwxzyk")) == []


def test_filters():
    assert set(codes(selectors.procedures(level="ward"))) == {"9.000002"}
    assert set(codes(selectors.procedures(online_level="partial"))) == {"9.000003"}
    assert set(codes(selectors.procedures(agency="SXD"))) == {"9.000001", "9.000003"}
    assert codes(selectors.procedures(q="khai sinh", level="province")) == []


def test_search_api(client):
    body = client.get("/api/v1/procedures", {"q": "giay phep lai xe"}).json()
    first = body["results"][0]
    assert first["code"] == "9.000001" and first["processing_days"] == 5
    assert first["fee"] == 135000 and first["online_level"] == "full" and first["agency"] == "SXD"


def test_procedure_api_gives_the_form_and_papers(client):
    body = client.get("/api/v1/procedures/9.000001").json()
    assert {"name": "hang_gplx", "label": "Hạng giấy phép", "type": "select",
            "required": True, "choices": ["A1", "A", "B", "C1", "C"], "prefill": None} in body["fields"]  # fmt: skip
    assert body["documents"][0] == {
        "kind": "giay-phep-cu",
        "label": "Bản chụp giấy phép lái xe cũ",
        "required": True,
    }
    assert sum(s["days"] for s in body["steps"]) == 5
    assert client.get("/api/v1/procedures/1.999999").status_code == 404


def test_a_leader_of_the_agency_edits_and_each_edit_is_a_version(make_staff):
    leader = make_staff(Role.LEADER, "SXD")
    proc = Procedure.objects.get(code="9.000001")
    services.update_procedure(
        actor=leader, procedure=proc, changes={"processing_days": 4, "steps": []}, note="Rút ngắn"
    )
    proc.refresh_from_db()
    assert proc.version == 2 and proc.processing_days == 4
    assert [v.number for v in proc.versions.all()] == [2, 1]
    assert proc.versions.get(number=1).data["processing_days"] == 5
    event = AuditEvent.objects.filter(action="procedures.version_created").latest("seq")
    assert event.object_id == "9.000001" and event.actor_label == leader.username


def test_a_leader_of_another_agency_cannot_edit(make_staff):
    with pytest.raises(PermissionDenied):
        services.update_procedure(
            actor=make_staff(Role.LEADER, "STP"),
            procedure=Procedure.objects.get(code="9.000001"),
            changes={"fee": 1},
            note="x",
        )
    assert Procedure.objects.get(code="9.000001").version == 1


def test_an_edit_that_breaks_the_definition_is_refused_whole(make_staff):
    leader = make_staff(Role.LEADER, "SXD")
    proc = Procedure.objects.get(code="9.000001")
    with pytest.raises(
        ValidationFailed, match="Các bước cộng lại 5.0 ngày làm việc, khác thời hạn 3"
    ):
        services.update_procedure(
            actor=leader, procedure=proc, changes={"processing_days": 3}, note="x"
        )
    with pytest.raises(ValidationFailed):
        services.update_procedure(
            actor=leader,
            procedure=proc,
            changes={"fields": [{"name": "a", "label": "A", "type": "select"}]},
            note="x",
        )
    assert Procedure.objects.get(code="9.000001").version == 1


def test_edit_through_the_api(api_as, make_staff, client):
    leader = api_as(make_staff(Role.LEADER, "SXD"))
    response = leader.patch(
        "/api/v1/procedures/9.000003",
        json.dumps({"fee": 100000, "note": "Nghị quyết HĐND mới"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["fee"] == 100000
    assert response.json()["version"] == 2
    citizen_patch = client.patch(
        "/api/v1/procedures/9.000003", "{}", content_type="application/json"
    )
    assert citizen_patch.status_code == 401


def test_loading_the_same_catalogue_again_changes_nothing():
    from tinhso.testing import CATALOGUE_FIXTURE

    result = services.load_catalogue(path=CATALOGUE_FIXTURE)
    assert result["created"] == 0 and result["changed"] == 0


def test_the_shipped_catalogue_is_valid_and_representative():
    raw = json.loads(services.DATA_FILE.read_text(encoding="utf-8"))
    definitions = [services.parse_definition(p) for p in raw["procedures"]]
    assert len(definitions) >= 30
    assert len({d.code for d in definitions}) == len(definitions)
    sectors = {d.sector for d in definitions}
    assert len(sectors) >= 8
    licence = [
        d for d in definitions if "giấy phép lái xe" in d.name.lower() and "đổi" in d.name.lower()
    ]
    assert licence and licence[0].processing_days == 5
    assert any(d.level == "ward" for d in definitions)
    services.load_catalogue()
    found = selectors.procedures(q="doi giay phep lai xe")
    assert "lái xe" in list(found)[0].name


def test_the_declaration_form_is_made_from_the_procedure(client):
    import io

    from pypdf import PdfReader

    response = client.get("/thu-tuc/9.000001/to-khai.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "TỜ KHAI" in text and "Hạng giấy phép" in text and "Giấy khám sức khỏe" in text


def test_a_broken_definition_is_explained_in_vietnamese(make_staff):
    leader = make_staff(Role.LEADER, "SXD")
    proc = Procedure.objects.get(code="9.000001")
    with pytest.raises(ValidationFailed) as refused:
        services.update_procedure(
            actor=leader,
            procedure=proc,
            changes={"online_level": "half", "fee": -1, "fields": [{"name": "X"}]},
            note="x",
        )
    message = str(refused.value.message)
    assert "phải là một trong" in message and "phải từ 0 trở lên" in message
    assert "thiếu" in message and "không đúng dạng" in message
    for english in ("Input should", "Field required", "String should", "greater than"):
        assert english not in message
