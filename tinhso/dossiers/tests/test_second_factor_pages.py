"""An officer signed in with only a password sees nothing but enrolment: not the
agency's dossiers through the citizen pages, not the back office, not the API."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_only(client):
    """A browser signed in with the password alone (no second factor passed)."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_a_password_only_officer_reads_no_dossier_through_the_citizen_pages(
    submitted, officer, password_only
):
    client = password_only(officer)
    code = submitted.code
    for url in (
        f"/ho-so/{code}/",
        f"/ho-so/{code}/bien-nhan.pdf",
        f"/ho-so/{code}/phieu-kiem-soat.pdf",
        "/ho-so/",
        "/lam-viec/",
        "/lam-viec/ho-so/",
        f"/lam-viec/ho-so/{code}/",
        "/nhat-ky/",
        "/dan-cu/",
        "/thong-bao/",
        "/kho-giay-to/",
        "/tai-khoan/ho-so/",
    ):
        response = client.get(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"] == "/tai-khoan/xac-thuc-hai-lop/", url
    page = client.get("/tai-khoan/xac-thuc-hai-lop/")
    assert code not in page.content.decode()


def test_a_password_only_session_is_nobody_on_the_api(submitted, officer, password_only):
    client = password_only(officer)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get(f"/api/v1/dossiers/{submitted.code}").status_code == 401
    assert client.get("/api/v1/queue").status_code == 401


def test_the_citizen_and_the_verified_officer_still_reach_the_dossier(
    submitted, applicant, officer, password_only, second_factor_client
):
    assert password_only(applicant).get(f"/ho-so/{submitted.code}/").status_code == 200
    password_only(applicant).logout()
    desk = second_factor_client(officer)
    assert desk.get(f"/lam-viec/ho-so/{submitted.code}/").status_code == 200
