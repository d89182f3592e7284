"""What each role may read and change, at each scope: a province department (SXD),
the province's one-stop centre, a ward's People's Committee, the police (CAT) and
the province itself (UBND), signed in through the API (a token) and through the
pages (a session that passed the second factor).

One table says, per role and scope, what it may do; every capability is tried by
every user, so a right that appears or disappears anywhere fails the test with
the cell that changed."""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhso.accounts import services as accounts
from tinhso.accounts.models import Role
from tinhso.audit.services import record_event
from tinhso.dossiers import services as dossiers
from tinhso.population import services as population
from tinhso.population.models import Person, ReviewPair, SourceRecord

pytestmark = pytest.mark.django_db

WARD = "07090"  # Phường An Sinh: its People's Committee is UBND07090
OTHER_WARD = "07093"
WARD_AGENCY = f"UBND{WARD}"
PROVINCE_PROCEDURE = "9.000001"  # Sở Xây dựng (SXD)
WARD_PROCEDURE = "9.000002"  # ward level: no agency, the province's catalogue
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
_ids = itertools.count(1)

# ------------------------------------------------------------------ the table
#
# edit_province_procedure  PATCH /api/v1/procedures/9.000001 and GET its edit page
# edit_ward_procedure      the same for the ward-level 9.000002
# read_registry_here       a person of WARD (API and page), audited
# read_registry_elsewhere  a person of OTHER_WARD
# merge_here               decide a pair of two people of WARD (API)
# merge_across             decide a pair joining WARD and OTHER_WARD
# read_department_dossier  SXD's dossier (API and back-office page)
# read_ward_dossier        WARD's dossier (API and back-office page)
# read_department_audit    SXD's events in the audit log (page)
# verify_identity          verify a citizen's account against the ID card (API and page)
# enrol_department_officer issue an SXD officer's second-factor enrolment link (API)
# match_registry_here      POST /api/v1/population/match finds the person of WARD
# match_registry_elsewhere the same finds the person of OTHER_WARD

TABLE: dict[tuple[str, str], set[str]] = {
    ("citizen", ""): set(),
    # the province's one-stop centre receives SXD's dossiers
    (Role.ONE_STOP_OFFICER, "TTPVHCC"): {"read_department_dossier", "verify_identity"},
    # a province department
    (Role.SPECIALIST, "SXD"): {"read_department_dossier"},
    (Role.LEADER, "SXD"): {
        "edit_province_procedure",
        "read_department_dossier",
        "read_department_audit",
    },
    (Role.ADMINISTRATOR, "SXD"): {
        "edit_province_procedure",
        "read_department_dossier",
        "read_department_audit",
        "enrol_department_officer",
    },
    (Role.MONITORING, "SXD"): {"read_department_dossier", "read_department_audit"},
    # a ward's People's Committee
    (Role.ONE_STOP_OFFICER, WARD_AGENCY): {"read_ward_dossier", "verify_identity"},
    (Role.SPECIALIST, WARD_AGENCY): {"read_ward_dossier"},
    (Role.LEADER, WARD_AGENCY): {"read_ward_dossier"},
    (Role.ADMINISTRATOR, WARD_AGENCY): {"read_ward_dossier"},
    (Role.REGISTRY_KEEPER, WARD_AGENCY): {
        "read_registry_here",
        "merge_here",
        "match_registry_here",
    },
    # the police
    (Role.SPECIALIST, "CAT"): set(),
    (Role.LEADER, "CAT"): set(),
    (Role.ADMINISTRATOR, "CAT"): set(),
    (Role.REGISTRY_KEEPER, "CAT"): {
        "read_registry_here",
        "read_registry_elsewhere",
        "merge_here",
        "merge_across",
        "match_registry_here",
        "match_registry_elsewhere",
    },
    # the province
    (Role.ADMINISTRATOR, "UBND"): {
        "edit_province_procedure",
        "edit_ward_procedure",
        "read_department_dossier",
        "read_ward_dossier",
        "read_department_audit",
        "enrol_department_officer",
    },
    (Role.MONITORING, "UBND"): {
        "read_department_dossier",
        "read_ward_dossier",
        "read_department_audit",
    },
}

ALLOWED, REFUSED = {200, 201}, {401, 403, 404}


def _pdf(name="giay.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _api(user) -> Client:
    _, raw = accounts.issue_api_token(actor=None, user=user, name="matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _pages(user) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    if user.account_type == "staff":
        device = accounts.create_confirmed_totp(user=user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _person(ward: str) -> Person:
    n = next(_ids)
    person = Person.objects.create(full_name="Nguyễn Văn An", name_folded="nguyen van an")
    SourceRecord.objects.create(
        record_id=f"M{n}", source="police", raw={}, full_name="Nguyễn Văn An",
        name_folded="nguyen van an", ward_id=ward, person=person, personal_id=f"0220900{n:05d}",
    )  # fmt: skip
    population.refresh_golden(person)
    return person


def _pair(ward_a: str, ward_b: str) -> ReviewPair:
    a, b = _person(ward_a), _person(ward_b)
    return ReviewPair.objects.create(
        record_a=a.records.get(), record_b=b.records.get(), match_probability=0.7
    )


def _verify(api, pages, make_citizen) -> bool | str:
    person = make_citizen(verified=False)
    response = api.post(
        "/api/v1/identity-verifications",
        json.dumps(
            {"personal_id": person.personal_id, "date_of_birth": person.date_of_birth.isoformat()}
        ),  # fmt: skip
        content_type="application/json",
    )
    return _both(response, pages.get("/tai-khoan/xac-minh-danh-tinh/"))


@pytest.fixture
def world(make_citizen, make_staff):
    applicant = make_citizen()
    applicant = accounts.update_profile(
        actor=applicant, user=applicant, email="cd@example.vn", phone="0912345678"
    )
    department = dossiers.create_dossier(
        actor=applicant,
        procedure_code=PROVINCE_PROCEDURE,
        data={"hang_gplx": "B", "so_gplx_cu": "AB123456", "cam_ket": True},
    )
    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        dossiers.attach_document(actor=applicant, dossier=department, kind=kind, upload=_pdf())
    dossiers.take_action(actor=applicant, code=department.code, action="submit")
    ward = dossiers.create_dossier(
        actor=applicant,
        procedure_code=WARD_PROCEDURE,
        data={
            "ho_ten_tre": "Nguyễn Văn Bé",
            "ngay_sinh_tre": "2025-01-02",
            "gioi_tinh_tre": "Nam",
            "ward": WARD,
        },  # fmt: skip
    )
    dossiers.attach_document(actor=applicant, dossier=ward, kind="giay-chung-sinh", upload=_pdf())
    dossiers.take_action(actor=applicant, code=ward.code, action="submit")
    record_event(action="test.marker", object_type="test", object_id="MARKER-SXD",
                 agency_code="SXD")  # fmt: skip
    return {
        "make_citizen": make_citizen,
        "department_officer": make_staff(Role.SPECIALIST, "SXD").username,
        "department_dossier": department.code,
        "ward_dossier": ward.code,
        "here": _person(WARD),
        "elsewhere": _person(OTHER_WARD),
    }


def _outcome(response) -> bool | str:
    if response.status_code in ALLOWED:
        return True
    if response.status_code in REFUSED:
        return False
    return f"HTTP {response.status_code}"


def _both(*responses) -> bool | str:
    """API and page must agree; a disagreement is itself a finding."""
    outcomes = [_outcome(r) for r in responses]
    if all(o is True for o in outcomes):
        return True
    if all(o is False for o in outcomes):
        return False
    return "API and pages disagree: " + ", ".join(str(r.status_code) for r in responses)


def _patch(api, code):
    return api.patch(
        f"/api/v1/procedures/{code}",
        json.dumps({"fee": 1000 + next(_ids), "note": "thử quyền"}),
        content_type="application/json",
    )


def _match(api, person) -> bool | str:
    """Allowed: the person is among the candidates (a keeper out of scope gets 200
    without them, which counts as refused)."""
    response = api.post(
        "/api/v1/population/match",
        json.dumps({"full_name": "Nguyễn Văn An", "personal_id": person.personal_id}),
        content_type="application/json",
    )
    if response.status_code == 200:
        return person.pk in [c["person"]["id"] for c in response.json()["candidates"]]
    return _outcome(response)


def _decide(api, pair):
    return api.post(
        f"/api/v1/population/reviews/{pair.pk}/decision",
        json.dumps({"same_person": False}),
        content_type="application/json",
    )


CHECKS = {
    "edit_province_procedure": lambda api, pages, w: _both(
        _patch(api, PROVINCE_PROCEDURE), pages.get(f"/thu-tuc/{PROVINCE_PROCEDURE}/sua/")
    ),
    "edit_ward_procedure": lambda api, pages, w: _both(
        _patch(api, WARD_PROCEDURE), pages.get(f"/thu-tuc/{WARD_PROCEDURE}/sua/")
    ),
    "read_registry_here": lambda api, pages, w: _both(
        api.get(f"/api/v1/population/persons/{w['here'].pk}"),
        pages.get(f"/dan-cu/cong-dan/{w['here'].pk}/"),
    ),
    "read_registry_elsewhere": lambda api, pages, w: _both(
        api.get(f"/api/v1/population/persons/{w['elsewhere'].pk}"),
        pages.get(f"/dan-cu/cong-dan/{w['elsewhere'].pk}/"),
    ),
    "merge_here": lambda api, pages, w: _outcome(_decide(api, _pair(WARD, WARD))),
    "merge_across": lambda api, pages, w: _outcome(_decide(api, _pair(WARD, OTHER_WARD))),
    "match_registry_here": lambda api, pages, w: _match(api, w["here"]),
    "match_registry_elsewhere": lambda api, pages, w: _match(api, w["elsewhere"]),
    "read_department_dossier": lambda api, pages, w: _both(
        api.get(f"/api/v1/dossiers/{w['department_dossier']}"),
        pages.get(f"/lam-viec/ho-so/{w['department_dossier']}/"),
    ),
    "read_ward_dossier": lambda api, pages, w: _both(
        api.get(f"/api/v1/dossiers/{w['ward_dossier']}"),
        pages.get(f"/lam-viec/ho-so/{w['ward_dossier']}/"),
    ),
    "read_department_audit": lambda api, pages, w: _audit_shows_marker(pages),
    "verify_identity": lambda api, pages, w: _verify(api, pages, w["make_citizen"]),
    "enrol_department_officer": lambda api, pages, w: _outcome(
        api.post(
            f"/api/v1/users/{w['department_officer']}/enrolment-link",
            "{}",
            content_type="application/json",
        )
    ),
}


def _audit_shows_marker(pages) -> bool:
    response = pages.get("/nhat-ky/", {"action": "test.marker"})
    return response.status_code == 200 and "MARKER-SXD" in response.content.decode()


def test_the_table_names_every_check():
    assert set().union(*TABLE.values()) <= set(CHECKS)


def test_each_role_at_each_scope_may_do_what_the_table_says_and_nothing_more(
    world, make_staff, make_citizen
):
    wrong = []
    for (role, agency), allowed in TABLE.items():
        user = make_citizen() if role == "citizen" else make_staff(role, agency)
        api, pages = _api(user), _pages(user)
        for name, check in CHECKS.items():
            got = check(api, pages, world)
            expected = name in allowed
            if got is not expected:
                wrong.append(f"{role}@{agency or '-'}: {name} expected {expected}, got {got}")
    assert wrong == [], "\n".join(wrong)


def test_registry_reads_in_the_table_were_audited(world, make_staff):
    from tinhso.audit.models import AuditEvent

    keeper = make_staff(Role.REGISTRY_KEEPER, "CAT")
    CHECKS["read_registry_here"](_api(keeper), _pages(keeper), world)
    assert (
        AuditEvent.objects.filter(
            action="population.person_read", actor_id=keeper.pk, object_id=str(world["here"].pk)
        ).count()
        == 2
    )


def test_the_table_holds_before_anyone_signs_in(world):
    """Anonymous: nothing of the above, through either door."""
    anonymous = Client()
    for name, check in CHECKS.items():
        if name.startswith("merge") or name in ("verify_identity", "enrol_department_officer"):
            continue  # the API answers 401 before anything; covered for users above
        assert check(anonymous, anonymous, world) is not True, name
