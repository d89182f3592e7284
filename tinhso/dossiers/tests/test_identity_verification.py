"""A self-registered account carries a personal ID nobody has checked: it files no
dossier in that person's name until a one-stop officer verified it against the ID
card (recorded and audited). A verified citizen files as before (CONTRACT.md)."""

import datetime
import json

import pytest
from django.test import Client

from tinhso.accounts.models import Role, User
from tinhso.audit.models import AuditEvent
from tinhso.dossiers.models import Dossier
from tinhso.testing import DRIVING

pytestmark = pytest.mark.django_db

BODY = {"procedure": DRIVING, "data": {"hang_gplx": "B", "so_gplx_cu": "AB123456", "cam_ket": True}}


def _register(personal_id: str) -> Client:
    """Anyone, through the public API, with a number that is structurally valid."""
    api = Client()
    response = api.post(
        "/api/v1/citizens",
        json.dumps(
            {
                "username": "mao-danh",
                "password": "Mat-khau-rat-dai-1",
                "full_name": "Người Mạo Danh",
                "personal_id": personal_id,
                "date_of_birth": "1990-05-12",
                "sex": "female",
            }
        ),  # fmt: skip
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return User.objects.get(username="mao-danh")


@pytest.fixture
def impostor():
    from tinhso.demo.accounts import demo_personal_id

    return _register(demo_personal_id(birth=datetime.date(1990, 5, 12), sex="female"))


def _create(client):
    return client.post(
        "/api/v1/dossiers",
        json.dumps(BODY),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )


def test_a_self_registered_account_is_unverified(impostor, api_as):
    assert not impostor.is_identity_verified
    assert api_as(impostor).get("/api/v1/me").json()["identity_verified"] is False


def test_an_unverified_account_files_nothing_in_the_persons_name(impostor, api_as):
    response = _create(api_as(impostor))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "accounts_identity_not_verified"
    assert "xác minh" in problem["detail"] and "một cửa" in problem["detail"]
    assert not Dossier.objects.filter(applicant=impostor).exists()


def test_the_pages_say_so_too(impostor, client):
    client.force_login(impostor)
    response = client.post(
        f"/ho-so/moi/{DRIVING}/", {"hang_gplx": "B", "so_gplx_cu": "AB123456", "cam_ket": "on"}
    )
    assert response.status_code == 400
    assert "chưa được xác minh" in response.content.decode()
    assert not Dossier.objects.filter(applicant=impostor).exists()


def test_a_desk_verifies_the_account_then_it_files(impostor, api_as, make_staff):
    desk = make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC")
    wrong = api_as(desk).post(
        "/api/v1/identity-verifications",
        json.dumps({"personal_id": impostor.personal_id, "date_of_birth": "1991-05-12"}),
        content_type="application/json",
    )
    assert wrong.status_code == 400  # the card in hand does not match: nothing said or done
    assert "mao-danh" not in wrong.content.decode()
    response = api_as(desk).post(
        "/api/v1/identity-verifications",
        json.dumps(
            {
                "personal_id": impostor.personal_id,
                "date_of_birth": "1990-05-12",
                "note": "CCCD bản gốc",
            }
        ),  # fmt: skip
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["username"] == "mao-danh"
    impostor.refresh_from_db()
    assert impostor.is_identity_verified and impostor.identity_verified_by == desk
    event = AuditEvent.objects.get(action="accounts.identity_verified")
    assert event.actor_id == desk.pk and impostor.personal_id not in json.dumps(event.after)
    created = _create(api_as(impostor))
    assert created.status_code == 201 and created.json()["status"] == "draft"


def test_only_the_one_stop_desk_verifies(impostor, api_as, make_staff, citizen):
    for user in (
        make_staff(Role.SPECIALIST, "STP"),
        make_staff(Role.LEADER, "STP"),
        make_staff(Role.REGISTRY_KEEPER, "CAT"),
        citizen,
        impostor,
    ):
        response = api_as(user).post(
            "/api/v1/identity-verifications",
            json.dumps({"personal_id": impostor.personal_id, "date_of_birth": "1990-05-12"}),
            content_type="application/json",
        )
        assert response.status_code == 403, user
    impostor.refresh_from_db()
    assert not impostor.is_identity_verified


def test_the_desk_page_verifies_with_the_card_checked(impostor, make_staff, second_factor_client):
    client = second_factor_client(make_staff(Role.ONE_STOP_OFFICER, "TTPVHCC"))
    url = "/tai-khoan/xac-minh-danh-tinh/"
    assert client.get(url).status_code == 200
    unchecked = client.post(
        url, {"personal_id": impostor.personal_id, "date_of_birth": "1990-05-12"}
    )
    assert unchecked.status_code == 400
    done = client.post(
        url,
        {"personal_id": impostor.personal_id, "date_of_birth": "1990-05-12", "checked": "on"},
    )
    assert done.status_code == 200 and "Người Mạo Danh" in done.content.decode()
    impostor.refresh_from_db()
    assert impostor.is_identity_verified


def test_a_verified_citizen_files_as_before(api_as, applicant):
    response = _create(api_as(applicant))
    assert response.status_code == 201 and response.json()["status"] == "draft"
