"""The mark sheet page (HTMX), closing a term, the parent's view, and the API."""

from __future__ import annotations

from decimal import Decimal

from tinhso.education.models import Mark
from tinhso.notifications.models import Notification
from tinhso.testing import bearer_client


def test_the_teacher_fills_the_mark_sheet_with_htmx(
    second_factor_client, teacher, school_class, maths, term1, pupils, parent
):
    client = second_factor_client(teacher)
    url = f"/giao-duc/lop/{school_class.pk}/mon/{maths.pk}/hoc-ki/{term1.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Nguyễn Văn An" in page.content.decode()
    p = pupils[0].pk
    form = {f"m-{p}-regular-{i}": v for i, v in enumerate(["8", "7", "9", "6"], start=1)}
    form |= {f"m-{p}-mid-1": "7.5", f"m-{p}-end-1": "8"}
    saved = client.post(url, form, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "<html" not in saved.content.decode()  # the partial
    assert "7,7" in saved.content.decode()  # shown the Vietnamese way
    assert Mark.objects.filter(pupil_id=p).count() == 6
    refused = client.post(url, {f"m-{p}-end-1": "12"}, HTTP_HX_REQUEST="true")
    assert "không hợp lệ" in refused.content.decode()
    assert Mark.objects.get(pupil_id=p, kind="end").score == Decimal(8)
    assert Notification.objects.filter(user=parent).exists()


def test_another_teacher_cannot_open_the_sheet(
    second_factor_client, make_staff, school, school_class, maths, term1
):
    other = make_staff("teacher", school.code)
    client = second_factor_client(other)
    url = f"/giao-duc/lop/{school_class.pk}/mon/{maths.pk}/hoc-ki/{term1.pk}/"
    assert client.get(url).status_code == 403


def test_the_principal_closes_the_term_from_the_page(
    second_factor_client, principal, school, term1
):
    client = second_factor_client(principal)
    home = client.get("/giao-duc/")
    assert "Chốt điểm" in home.content.decode()
    client.post(f"/giao-duc/truong/{school.pk}/hoc-ki/{term1.pk}/chot/")
    assert school.closures.filter(term=term1).exists()


def test_a_parent_sees_their_child_and_no_other(
    client, teacher, school_class, maths, term1, pupils, parent
):
    from tinhso.education import services

    services.save_marks(
        actor=teacher, school_class=school_class, subject=maths, term=term1,
        entries=[services.MarkEntry(pupils[0].pk, "mid", 1, "9.5")],
    )  # fmt: skip
    client.force_login(parent)
    assert "Nguyễn Văn An" in client.get("/giao-duc/").content.decode()
    page = client.get(f"/giao-duc/hoc-sinh/{pupils[0].pk}/")
    assert "9,5" in page.content.decode()
    assert client.get(f"/giao-duc/hoc-sinh/{pupils[1].pk}/").status_code == 404


def test_the_api_gives_a_parent_their_childrens_marks(
    teacher, school_class, maths, term1, pupils, parent
):
    api = bearer_client(teacher)
    saved = api.post(
        f"/api/v1/education/classes/{school_class.pk}/marks",
        {"subject": maths.pk, "term": term1.pk, "marks": [{"pupil": pupils[0].pk, "kind": "end", "value": "6.5"}]},
        content_type="application/json",
    )  # fmt: skip
    assert saved.json() == {"changed": 1}
    parents_api = bearer_client(parent)
    kids = parents_api.get("/api/v1/education/children").json()
    assert [k["full_name"] for k in kids["results"]] == ["Nguyễn Văn An"]
    marks = parents_api.get(f"/api/v1/education/pupils/{pupils[0].pk}/marks").json()
    assert marks[0]["marks"][0]["score"] == "6.5"
    assert parents_api.get(f"/api/v1/education/pupils/{pupils[1].pk}/marks").status_code == 404
    assert parents_api.post(
        f"/api/v1/education/classes/{school_class.pk}/marks",
        {"subject": maths.pk, "term": term1.pk, "marks": []}, content_type="application/json",
    ).status_code == 403  # fmt: skip
