"""The officer's queue pages by key (`next` carries `after=`): walking the links gives
every waiting dossier once, in the queue's order, whatever the mix of dated and undated
ones; a page costs the same few queries however deep it is."""

import datetime

import pytest

from tinhso.dossiers import selectors
from tinhso.dossiers.models import Dossier
from tinhso.testing import DRIVING_PAPERS
from tinhso.testing.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(applicant):
    made = DossierFactory.create_batch(
        7,
        applicant=applicant,
        data={"hang_gplx": "B", "so_gplx_cu": "X1", "cam_ket": True},
        papers=DRIVING_PAPERS,
        submit=True,
    )
    today = datetime.date.today()
    # two share a due date (the filing time then the id decide), two have none yet
    dues = [today, today - datetime.timedelta(days=3), today, None, today + datetime.timedelta(1)]
    for dossier, due in zip(made, dues + [None, today - datetime.timedelta(days=3)], strict=True):
        Dossier.objects.filter(pk=dossier.pk).update(due_date=due)
    return made


def _walk(api, params, django_assert_max_num_queries) -> list[str]:
    seen: list[str] = []
    url, query = "/api/v1/queue", dict(params)
    while url:
        with django_assert_max_num_queries(8):
            body = api.get(url, query).json()
        seen += [d["code"] for d in body["results"]]
        url, query = body["next"], {}
        assert body["count"] == 7
    return seen


def test_following_next_gives_each_dossier_once_in_order(
    api_as, officer, waiting, django_assert_max_num_queries
):
    expected = [d.code for d in selectors.officer_queue(officer)]
    assert sorted(expected) == sorted(d.code for d in waiting)
    for size in (1, 2, 3, 7, 20):
        walked = _walk(api_as(officer), {"page_size": size}, django_assert_max_num_queries)
        assert walked == expected, size


def test_the_late_ones_by_key_too(api_as, officer, waiting, django_assert_max_num_queries):
    api = api_as(officer)
    late = [d.code for d in selectors.officer_queue(officer, due="late")]
    assert len(late) == 2
    first = api.get("/api/v1/queue", {"due": "late", "page_size": 1}).json()
    assert "after=" in first["next"] and "due=late" in first["next"]
    second = api.get(first["next"]).json()
    assert [first["results"][0]["code"], second["results"][0]["code"]] == late
    assert second["next"] is None


def test_page_numbers_still_work(api_as, officer, waiting):
    api = api_as(officer)
    expected = [d.code for d in selectors.officer_queue(officer)]
    page2 = api.get("/api/v1/queue", {"page": 2, "page_size": 3}).json()
    assert [d["code"] for d in page2["results"]] == expected[3:6]


def test_a_forged_key_is_a_400(api_as, officer, waiting):
    response = api_as(officer).get("/api/v1/queue", {"after": "not-a-key"})
    assert response.status_code == 400


def test_the_office_queue_page_walks_by_key_too(second_factor_client, officer, waiting):
    """The officer's HTML queue: "Trang sau" carries the key, each dossier once, in
    order; the count is the whole queue's; an edited key starts again from the top."""
    import re
    from html import unescape

    from tinhso.dossiers import backoffice_views

    expected = [d.code for d in selectors.officer_queue(officer)]
    c = second_factor_client(officer)
    size, backoffice_views.QUEUE_PAGE_SIZE = backoffice_views.QUEUE_PAGE_SIZE, 3
    try:
        seen, url, pages = [], "/lam-viec/ho-so/", 0
        while url:
            html = c.get(url).content.decode()
            pages += 1
            assert "7 hồ sơ" in html and f"Trang {pages}/3" in html
            seen += [code for code in re.findall(r'/lam-viec/ho-so/([^/"]+)/"', html)]
            following = re.search(r'href="\?([^"]*after=[^"]*)"', html)
            url = "/lam-viec/ho-so/?" + unescape(following.group(1)) if following else None
        assert seen == expected and pages == 3
        forged = c.get("/lam-viec/ho-so/", {"after": "not-a-key", "n": "2"}).content.decode()
        assert "Trang 1/3" in forged
        numbered = c.get("/lam-viec/ho-so/", {"page": "2"}).content.decode()
        assert re.findall(r'/lam-viec/ho-so/([^/"]+)/"', numbered) == expected[3:6]
    finally:
        backoffice_views.QUEUE_PAGE_SIZE = size
