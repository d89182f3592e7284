"""A year's grade-10 admission run by the Department: loaded from the exchange files,
matched, published with explanations, and appeals that re-run the matching and keep who
moved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.education import admission_rounds
from tinhso.education.models import AdmissionApplicant, AdmissionRound

SCHOOLS = "school_code,name,quota\nHL,THPT Hạ Long,1\nBC,THPT Bãi Cháy,2\n"
APPLICANTS = (
    "applicant_id,math,literature,english,priority,incentive,wish1,wish2,wish3\n"
    "A1,9,8,8,0,0,HL,BC,\n"
    "A2,8,8,8,0,0,HL,BC,\n"
    "A3,6,6,6,0,0,HL,BC,\n"
    "A4,5,5,5,0,0,BC,,\n"
)


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.SPECIALIST, "SGDDT")


@pytest.fixture
def loaded(officer):
    return admission_rounds.load_round(
        actor=officer, year=2026, schools_csv=SCHOOLS.encode(), applicants_csv=APPLICANTS.encode()
    )


def _placed(round_):
    return dict(round_.applicants.values_list("applicant_id", "school_code"))


def test_the_round_is_matched_and_explains_each_wish(officer, loaded):
    admission_rounds.run_round(actor=officer, round_=loaded)
    assert _placed(loaded) == {"A1": "HL", "A2": "BC", "A3": "BC", "A4": ""}
    a2 = AdmissionApplicant.objects.get(applicant_id="A2")
    assert a2.wish_rank == 2 and a2.score == Decimal(24)
    first = a2.explanation[0]
    assert (
        first["school"] == "HL"
        and first["outcome"] == "below_cutoff"
        and Decimal(first["cutoff"]) == 25
    )
    hl = loaded.schools.get(code="HL")
    assert hl.cutoff == Decimal(25) and hl.admitted == 1


def test_a_bad_file_names_its_line_and_keeps_nothing(officer):
    bad = APPLICANTS.replace("A3,6,6,6", "A3,6,11,6")
    with pytest.raises(ValidationFailed, match="dòng 4"):
        admission_rounds.load_round(
            actor=officer, year=2026, schools_csv=SCHOOLS.encode(), applicants_csv=bad.encode()
        )
    assert not AdmissionRound.objects.exists()


def test_only_the_department_runs_admission(make_staff, loaded):
    school_leader = make_staff(Role.LEADER, "SXD")
    with pytest.raises(PermissionDenied):
        admission_rounds.run_round(actor=school_leader, round_=loaded)


def test_an_appeal_reruns_the_matching_and_keeps_who_moved(officer, loaded):
    admission_rounds.run_round(actor=officer, round_=loaded)
    admission_rounds.publish_round(actor=officer, round_=loaded)
    with pytest.raises(Conflict):  # published: files cannot replace the results
        admission_rounds.load_round(
            actor=officer, year=2026, schools_csv=SCHOOLS.encode(),
            applicants_csv=APPLICANTS.encode(),
        )  # fmt: skip
    with pytest.raises(ValidationFailed):
        admission_rounds.appeal(
            actor=officer, round_=loaded, applicant_id="A2", subject="math", score="9.3",
            reason="QĐ 12",
        )  # fmt: skip
    record = admission_rounds.appeal(
        actor=officer, round_=loaded, applicant_id="A2", subject="math", score="10",
        reason="Quyết định phúc khảo số 12",
    )  # fmt: skip
    # A2 now beats A1 at HL (26 > 25) and A1 takes A2's place at BC
    assert _placed(loaded) == {"A1": "BC", "A2": "HL", "A3": "BC", "A4": ""}
    moved = {m["applicant"]: (m["before"], m["after"]) for m in record.moves}
    assert set(moved) == {"A1", "A2"}
    assert moved["A2"] == (["BC", 2], ["HL", 1])
    assert moved["A1"] == (["HL", 1], ["BC", 2])
    assert AuditEvent.objects.filter(action="education.admission_appeal").count() == 1


def test_the_public_page_shows_cutoffs_only_once_published(officer, loaded, client):
    admission_rounds.run_round(actor=officer, round_=loaded)
    assert client.get("/giao-duc/tuyen-sinh/2026/").status_code == 404
    admission_rounds.publish_round(actor=officer, round_=loaded)
    page = client.get("/giao-duc/tuyen-sinh/2026/", {"sbd": "A2"}).content.decode()
    assert "THPT Bãi Cháy" in page and "nguyện vọng 2" in page.lower()
    assert "thấp hơn điểm chuẩn" in page
    assert client.get("/giao-duc/tuyen-sinh/2026/", {"sbd": "ZZ"}).status_code == 404


def test_the_officer_loads_runs_and_publishes_from_the_pages(second_factor_client, officer):
    client = second_factor_client(officer)
    loaded = client.post(
        "/giao-duc/tuyen-sinh/",
        {
            "year": "2027",
            "schools": SimpleUploadedFile("s.csv", SCHOOLS.encode()),
            "applicants": SimpleUploadedFile("a.csv", APPLICANTS.encode()),
        },
        follow=True,
    )
    assert "Đã nạp dữ liệu tuyển sinh năm 2027" in loaded.content.decode()
    url = "/giao-duc/tuyen-sinh/2027/quan-ly/"
    early = client.post(url, {"step": "publish"}, follow=True)
    assert "Chưa xét tuyển" in early.content.decode()
    client.post(url, {"step": "run"})
    client.post(url, {"step": "publish"})
    assert AdmissionRound.objects.get(year=2027).status == "published"
    appeal = client.post(
        url,
        {"step": "appeal", "applicant_id": "A2", "subject": "math", "score": "10",
         "reason": "QĐ 12"},
        follow=True,
    )  # fmt: skip
    assert "2 thí sinh thay đổi kết quả" in appeal.content.decode()
