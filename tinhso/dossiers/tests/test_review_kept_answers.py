"""Review of the kept token answers (root.middleware.PublicCacheMiddleware,
TOKEN_PATHS): what a kept answer carries that the request it is given to did not
ask for."""

import pytest

from tinhso.root.middleware import forget_public_answers
from tinhso.testing import KEPT_FOR_THE_RUN, bearer_client
from tinhso.testing.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_answers(settings):
    settings.PUBLIC_CACHE_SECONDS = KEPT_FOR_THE_RUN
    settings.ALLOWED_HOSTS = ["testserver", "dichvucong.example.vn", "10.0.0.5"]
    forget_public_answers()
    yield
    forget_public_answers()


def test_the_next_page_link_names_the_host_the_request_came_to(applicant):
    """`next` is an absolute URL (core.pagination: build_absolute_uri): a kept answer
    must not send a client to the host (or scheme) another request came by."""
    DossierFactory(applicant=applicant)
    DossierFactory(applicant=applicant)
    api = bearer_client(applicant)
    inside = api.get("/api/v1/dossiers?page_size=1", HTTP_HOST="10.0.0.5")
    assert inside.json()["next"].startswith("http://10.0.0.5/")
    outside = api.get("/api/v1/dossiers?page_size=1", HTTP_HOST="dichvucong.example.vn")
    assert outside.json()["next"].startswith("http://dichvucong.example.vn/"), outside.json()


def test_a_public_answer_kept_for_one_host_is_not_given_to_another(client):
    """The anonymous catalogue's kept answer (the same middleware): one visitor's Host
    must not decide the links every other visitor gets."""
    first = client.get("/api/v1/procedures?page_size=1", HTTP_HOST="10.0.0.5")
    assert first.status_code == 200 and first.json()["next"].startswith("http://10.0.0.5/")
    other = client.get("/api/v1/procedures?page_size=1", HTTP_HOST="dichvucong.example.vn")
    assert other.json()["next"].startswith("http://dichvucong.example.vn/"), other.json()["next"]


def test_a_host_not_allowed_is_refused_even_when_an_answer_is_kept(client):
    assert client.get("/api/v1/procedures?page_size=1").status_code == 200  # kept now
    assert client.get("/api/v1/procedures?page_size=1", HTTP_HOST="evil.example").status_code == 400
