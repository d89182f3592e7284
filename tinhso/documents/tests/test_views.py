"""The store's pages: the owner's list and downloads, nobody else's; and reusing a
stored paper in a new dossier instead of uploading it again."""

import pytest
from django.urls import reverse

from tinhso.documents import selectors
from tinhso.dossiers import services
from tinhso.testing import PDF
from tinhso.testing.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(received, applicant):
    """The old licence paper the officer accepted at receipt."""
    return selectors.documents_of(applicant).get(kind="giay-phep-cu")


def test_the_store_needs_a_signed_in_person(client, stored):
    login = reverse("accounts:login")
    for url in ("/kho-giay-to/", f"/kho-giay-to/{stored.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(f"{login}?next=")


def test_the_owner_sees_and_downloads_their_papers(client, applicant, stored):
    client.force_login(applicant)
    page = client.get("/kho-giay-to/")
    assert page.status_code == 200
    html = page.content.decode()
    assert stored.title in html and f"/kho-giay-to/{stored.pk}/" in html
    download = client.get(f"/kho-giay-to/{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download["Content-Security-Policy"]


def test_another_citizen_sees_none_of_them(client, make_citizen, stored):
    client.force_login(make_citizen())
    page = client.get("/kho-giay-to/")
    assert page.status_code == 200
    assert stored.title not in page.content.decode()
    assert "Chưa có giấy tờ nào." in page.content.decode()
    assert client.get(f"/kho-giay-to/{stored.pk}/").status_code == 404
    assert client.get("/kho-giay-to/999999/").status_code == 404


def test_a_stored_paper_is_offered_and_reused_in_a_new_dossier(client, applicant, stored):
    later = DossierFactory(applicant=applicant)
    client.force_login(applicant)
    papers = client.get(f"/ho-so/{later.code}/giay-to/")
    assert papers.status_code == 200
    assert f'<option value="{stored.pk}">' in papers.content.decode()
    response = client.post(
        f"/ho-so/{later.code}/giay-to/dung-lai/",
        {"kind": "giay-phep-cu", "stored_document": stored.pk},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        f"/ho-so/{later.code}/giay-to/"
    )
    attached = {d.kind: d for d in services.current_documents(later)}
    assert attached["giay-phep-cu"].stored_document_id == stored.pk
    assert attached["giay-phep-cu"].sha256 == stored.sha256
    assert "từ kho giấy tờ" in client.get(f"/ho-so/{later.code}/giay-to/").content.decode()


@pytest.mark.parametrize(
    "post",
    [
        {"kind": "giay-kham-suc-khoe", "stored_document": "LICENCE"},  # a paper of another kind
        {"kind": "giay-phep-cu", "stored_document": "999999"},  # no such paper
        {"kind": "giay-phep-cu", "stored_document": "mot"},  # not a number
        {"kind": "khong-co", "stored_document": "LICENCE"},  # not a paper of the procedure
    ],
)
def test_a_paper_that_does_not_fit_is_refused(client, applicant, stored, post):
    later = DossierFactory(applicant=applicant)
    client.force_login(applicant)
    if post["stored_document"] == "LICENCE":
        post = {**post, "stored_document": stored.pk}
    response = client.post(f"/ho-so/{later.code}/giay-to/dung-lai/", post, follow=True)
    assert response.status_code == 200  # back on the papers page, saying why
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert services.current_documents(later) == []


def test_nobody_reuses_another_citizens_paper(client, make_citizen, stored):
    stranger = make_citizen()
    their_draft = DossierFactory(applicant=stranger)
    client.force_login(stranger)
    papers = client.get(f"/ho-so/{their_draft.code}/giay-to/").content.decode()
    assert f'<option value="{stored.pk}">' not in papers
    response = client.post(
        f"/ho-so/{their_draft.code}/giay-to/dung-lai/",
        {"kind": "giay-phep-cu", "stored_document": stored.pk},
    )
    assert response.status_code == 302
    assert services.current_documents(their_draft) == []
    # and nobody reuses into a dossier that is not theirs
    owner_draft = DossierFactory(applicant=stored.owner)
    response = client.post(
        f"/ho-so/{owner_draft.code}/giay-to/dung-lai/",
        {"kind": "giay-phep-cu", "stored_document": stored.pk},
    )
    assert response.status_code == 404
    assert services.current_documents(owner_draft) == []
