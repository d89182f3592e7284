"""No one sees or acts on a dossier that is not theirs: every dossier endpoint of the
API and of the pages, tried by another citizen and by officers of other agencies
(each with their second factor, so that nothing but the object check stands in the
way). The rightful people get the same URLs with a 2xx, so a 404 here is the
permission check and not a wrong address."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhso.accounts import authz
from tinhso.accounts import services as accounts
from tinhso.accounts.models import Role
from tinhso.core.models import Job
from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier, DossierDocument, DossierEvent
from tinhso.testing import DRIVING, PDF, act

pytestmark = pytest.mark.django_db

REFUSED = {403, 404}


def _bearer(user) -> Client:
    _, raw = accounts.issue_api_token(actor=None, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _pages(user) -> Client:
    """A browser session that passed the second factor when the user has one to pass."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    if authz.needs_second_factor(user):
        device = accounts.create_confirmed_totp(user=user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _pdf():
    return SimpleUploadedFile("x.pdf", PDF, "application/pdf")


@pytest.fixture
def world(result_ready, applicant, officer, specialist, leader, make_citizen, make_staff):
    """Three dossiers of one applicant (a signed result, an approved one, a draft) and
    four strangers: a citizen, a one-stop officer of a ward, a specialist and a leader
    (with a certificate) of another department."""
    from tinhso.signing.services import issue_certificate

    approved = services.create_dossier(
        actor=applicant,
        procedure_code=DRIVING,
        data={"hang_gplx": "B", "so_gplx_cu": "AB654321", "cam_ket": True},
    )
    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        services.attach_document(actor=applicant, dossier=approved, kind=kind, upload=_pdf())
    act(applicant, approved, "submit")
    act(officer, approved, "receive")
    act(officer, approved, "assign", assignee=specialist.username)
    act(specialist, approved, "submit_for_approval", note="dự thảo")
    approved = act(leader, approved, "approve")
    draft = services.create_dossier(
        actor=applicant,
        procedure_code=DRIVING,
        data={"hang_gplx": "B", "so_gplx_cu": "AB000111", "cam_ket": True},
    )
    services.attach_document(actor=applicant, dossier=draft, kind="giay-phep-cu", upload=_pdf())
    from tinhso.accounts.models import Agency

    ward = Agency.objects.filter(kind="ward_committee").order_by("code").first().code
    other_leader = make_staff(Role.LEADER, "STP")
    issue_certificate(actor=None, user=other_leader)
    job = services.sign_in_bulk(actor=leader, codes=[approved.code])
    return {
        "signed": result_ready,
        "approved": approved,
        "draft": draft,
        "document": result_ready.documents.first(),
        "draft_document": draft.documents.first(),
        "slip": result_ready.slips.first(),
        "job": job,
        "owner": applicant,
        "desk": officer,
        "leader": leader,
        "strangers": {
            "another citizen": make_citizen(),
            "a ward's one-stop officer": make_staff(Role.ONE_STOP_OFFICER, ward),
            "another department's specialist": make_staff(Role.SPECIALIST, "STP"),
            "another department's leader": other_leader,
        },
    }


def _snapshot():
    return {
        "dossiers": sorted(
            Dossier.objects.values_list("code", "status", "data", "updated_at", "rating")
        ),
        "events": DossierEvent.objects.count(),
        "documents": sorted(
            DossierDocument.objects.values_list("pk", "kind", "replaced_at", "sha256")
        ),
    }


# (method, URL template, body, who may: "owner" | "desk" | "leader" | None)
API = [
    ("get", "/api/v1/dossiers/{signed}", None, "owner"),
    ("patch", "/api/v1/dossiers/{draft}", {"data": {"so_gplx_cu": "ZZ999999"}}, "owner"),
    ("post-file", "/api/v1/dossiers/{draft}/documents", {"kind": "giay-kham-suc-khoe"}, None),
    ("get", "/api/v1/dossiers/{signed}/documents/{document}", None, "owner"),
    ("get", "/api/v1/dossiers/{signed}/receipt.pdf", None, "owner"),
    ("get", "/api/v1/dossiers/{signed}/result.pdf", None, "owner"),
    ("get", "/api/v1/dossiers/{signed}/slips", None, "desk"),
    ("get", "/api/v1/dossiers/{signed}/slips/{slip}.pdf", None, "desk"),
    ("get", "/api/v1/dossiers/{signed}/control-slip.pdf", None, "desk"),
    ("post", "/api/v1/dossiers/{signed}/actions/return", {}, None),
    ("post", "/api/v1/dossiers/{approved}/actions/sign", {}, None),
    ("post", "/api/v1/dossiers/{approved}/actions/send_back", {"note": "x"}, None),
    ("post", "/api/v1/dossiers/{draft}/actions/withdraw", {}, None),
    ("post", "/api/v1/dossiers/{signed}/actions/apologize", {"note": "x"}, None),
    ("get", "/api/v1/jobs/{job}", None, "leader"),
]

PAGES = [
    ("get", "/ho-so/{signed}/", None, "owner"),
    ("get", "/ho-so/{draft}/thong-tin/", None, "owner"),
    ("post", "/ho-so/{draft}/thong-tin/", {"hang_gplx": "C"}, None),
    ("get", "/ho-so/{draft}/giay-to/", None, "owner"),
    ("post-file", "/ho-so/{draft}/giay-to/", {"kind": "giay-kham-suc-khoe"}, None),
    (
        "post",
        "/ho-so/{draft}/giay-to/dung-lai/",
        {"kind": "giay-kham-suc-khoe", "stored_document": "1"},
        None,
    ),
    ("get", "/ho-so/{draft}/nop/", None, "owner"),
    ("post", "/ho-so/{draft}/nop/", {}, None),
    ("post", "/ho-so/{draft}/rut/", {}, None),
    ("get", "/ho-so/{signed}/bien-nhan.pdf", None, "owner"),
    ("get", "/ho-so/{signed}/tep/{document}/", None, "owner"),
    ("get", "/ho-so/{signed}/ket-qua.pdf", None, "owner"),
    ("get", "/ho-so/{signed}/phieu/{slip}.pdf", None, "owner"),
    ("get", "/ho-so/{signed}/phieu-kiem-soat.pdf", None, "owner"),
    ("post", "/ho-so/{signed}/bo-sung/", {"note": "x"}, None),
    ("post", "/ho-so/{signed}/danh-gia/", {"rating": "1"}, None),
    ("get", "/lam-viec/ho-so/{signed}/", None, "desk"),
    ("post", "/lam-viec/ho-so/{signed}/thao-tac/return/", {"note": ""}, None),
    ("post", "/lam-viec/ho-so/{approved}/thao-tac/sign/", {"note": ""}, None),
    ("get", "/lam-viec/ho-so/cong-viec/{job}/", None, "leader"),
]


def _url(template: str, world) -> str:
    return template.format(
        signed=world["signed"].code,
        approved=world["approved"].code,
        draft=world["draft"].code,
        document=world["document"].pk,
        slip=world["slip"].pk,
        job=world["job"].pk,
    )


def _send(client: Client, method: str, url: str, body, *, api: bool):
    if method == "get":
        return client.get(url)
    if method == "post-file":
        return client.post(url, {**body, "file": _pdf()})
    if api:
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


def _try_all(table, clients, world, *, api: bool) -> list[str]:
    wrong = []
    for name, client in clients.items():
        for method, template, body, _ in table:
            url = _url(template, world)
            response = _send(client, method, url, body, api=api)
            if response.status_code not in REFUSED:
                wrong.append(f"{name}: {method.upper()} {url} → {response.status_code}")
            elif world["owner"].full_name in response.content.decode(errors="replace"):
                wrong.append(f"{name}: {method.upper()} {url} names the applicant")
    return wrong


def test_the_rightful_people_reach_every_url_of_the_table(world):
    """The control: the same URLs answer the applicant and the dossier's officers."""
    people = {"owner": world["owner"], "desk": world["desk"], "leader": world["leader"]}
    for table, make, api in ((API, _bearer, True), (PAGES, _pages, False)):
        clients = {role: make(user) for role, user in people.items()}
        for method, template, body, who in table:
            if who is None:
                continue
            response = _send(clients[who], method, _url(template, world), body, api=api)
            assert response.status_code == 200, (template, who, response.status_code)


def test_strangers_reach_no_dossier_through_the_api(world):
    before = _snapshot()
    clients = {name: _bearer(user) for name, user in world["strangers"].items()}
    assert _try_all(API, clients, world, api=True) == []
    assert _snapshot() == before


def test_strangers_reach_no_dossier_through_the_pages(world):
    before = _snapshot()
    clients = {name: _pages(user) for name, user in world["strangers"].items()}
    assert _try_all(PAGES, clients, world, api=False) == []
    assert _snapshot() == before


def test_lists_and_queues_show_strangers_nothing(world):
    codes = [world[k].code for k in ("signed", "approved", "draft")]
    for name, user in world["strangers"].items():
        api, pages = _bearer(user), _pages(user)
        listing = api.get("/api/v1/dossiers").content.decode()
        queue = api.get("/api/v1/queue").content.decode()
        page_list = pages.get("/ho-so/").content.decode()
        page_queue = pages.get("/lam-viec/ho-so/").content.decode()
        for code in codes:
            for where, text in (
                ("api list", listing),
                ("api queue", queue),
                ("my dossiers page", page_list),
                ("queue page", page_queue),
            ):
                assert code not in text, f"{name} sees {code} in the {where}"
    desk_queue = _bearer(world["desk"]).get("/api/v1/queue").content.decode()
    assert world["signed"].code in desk_queue  # the control: it is in the right queue


def test_another_agencys_leader_cannot_sign_by_batch(world, django_capture_on_commit_callbacks):
    stranger = world["strangers"]["another department's leader"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _bearer(stranger).post(
            "/api/v1/sign-batches",
            json.dumps({"codes": [world["approved"].code]}),
            content_type="application/json",
        )
    assert response.status_code in {202, *REFUSED}
    world["approved"].refresh_from_db()
    assert world["approved"].status == "approved" and not world["approved"].result_file
    if response.status_code == 202:
        job = Job.objects.get(pk=response.json()["id"])
        assert job.failed == 1 and job.done == 0
