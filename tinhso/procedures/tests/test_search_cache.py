"""The catalogue is reference data: a repeated search is answered from memory (no
query), and an edit shows in the next search at once in the process that made it."""

import pytest

from tinhso.accounts.models import Role
from tinhso.procedures import selectors, services
from tinhso.procedures.models import Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.CATALOGUE_CACHE_SECONDS = 60
    selectors.forget_catalogue()
    yield
    selectors.forget_catalogue()


def test_a_repeated_search_asks_the_database_nothing(cached, django_assert_num_queries):
    first = [p.code for p in selectors.procedures(q="giay phep lai xe")]
    with django_assert_num_queries(0):
        again = [p.code for p in selectors.procedures(q="giấy phép lái xe")]
    assert again == first and first[0] == "9.000001"


def test_an_edit_shows_in_the_next_search_at_once(cached, make_staff):
    assert selectors.procedures(q="ten moi sau khi sua") == []
    leader = make_staff(Role.LEADER, "SXD")
    services.update_procedure(
        actor=leader,
        procedure=Procedure.objects.get(code="9.000001"),
        changes={"name": "Tên mới sau khi sửa"},
        note="Đổi tên",
    )
    assert [p.code for p in selectors.procedures(q="ten moi sau khi sua")] == ["9.000001"]


def test_the_search_page_asks_nothing_the_second_time(cached, client, django_assert_num_queries):
    first = client.get("/thu-tuc/?q=giay+phep+lai+xe", HTTP_HX_REQUEST="true")
    with django_assert_num_queries(0):
        again = client.get("/thu-tuc/?q=giay+phep+lai+xe", HTTP_HX_REQUEST="true")
    assert again.status_code == 200 and again.content == first.content
    assert "9.000001" in again.content.decode()


def test_a_version_is_parsed_once_and_an_edit_is_a_new_definition(make_staff):
    proc = Procedure.objects.get(code="9.000001")
    first = selectors.definition_of(selectors.current_version(proc))
    assert selectors.definition_of(selectors.current_version(proc)) is first
    services.update_procedure(
        actor=make_staff(Role.LEADER, "SXD"), procedure=proc, changes={"processing_days": 4, "steps": []},
        note="Rút ngắn",
    )  # fmt: skip
    proc.refresh_from_db()
    edited = selectors.definition_of(selectors.current_version(proc))
    assert (first.processing_days, edited.processing_days) == (5, 4)
