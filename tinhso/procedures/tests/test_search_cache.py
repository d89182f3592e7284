"""The catalogue is reference data: a repeated search is answered from the shared
cache (the search itself is not run again), in every server process, and an edit shows
in the next search at once in the process that made it, and in every other process
within CATALOGUE_STAMP_LOCAL_SECONDS (0 in the tests: at once)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def _searches(queries) -> list[str]:
    return [q["sql"] for q in queries if " LIKE " in q["sql"] or "COUNT(" in q["sql"]]


def test_a_repeated_search_is_not_run_again(cached):
    first = [p.code for p in selectors.procedures(q="giay phep lai xe")]
    with CaptureQueriesContext(connection) as queries:
        again = [p.code for p in selectors.procedures(q="giấy phép lái xe")]
    assert again == first and first[0] == "9.000001"
    assert _searches(queries.captured_queries) == []
    assert len(queries) <= 3  # the cached stamp and answer, the rows by id


def test_another_process_uses_the_same_answers(cached, monkeypatch):
    first = [p.code for p in selectors.procedures(q="giay phep lai xe")]
    monkeypatch.setattr(selectors, "cache", caches.create_connection("default"))
    selectors._index.cache_clear()  # nothing of the first process
    with CaptureQueriesContext(connection) as queries:
        again = [p.code for p in selectors.procedures(q="giay phep lai xe")]
    assert again == first and _searches(queries.captured_queries) == []


def test_an_edit_in_one_process_shows_in_another_at_once(cached, monkeypatch, make_staff):
    assert selectors.procedures(q="ten moi sau khi sua") == []
    other = caches.create_connection("default")
    monkeypatch.setattr(selectors, "cache", other)  # the process that edits
    services.update_procedure(
        actor=make_staff(Role.LEADER, "SXD"),
        procedure=Procedure.objects.get(code="9.000001"),
        changes={"name": "Tên mới sau khi sửa"},
        note="Đổi tên",
    )
    monkeypatch.undo()  # back in the first process, whose stamp was fresh a moment ago
    assert [p.code for p in selectors.procedures(q="ten moi sau khi sua")] == ["9.000001"]


def test_a_process_reads_the_shared_stamp_at_most_once_a_while(
    cached, settings, monkeypatch, make_staff
):
    """The public pages ask for the stamp on every request: a process keeps what it
    read for CATALOGUE_STAMP_LOCAL_SECONDS, and sees another process's edit after."""
    settings.CATALOGUE_STAMP_LOCAL_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    before = selectors._catalogue_stamp()
    with CaptureQueriesContext(connection) as queries:
        assert selectors._catalogue_stamp() == before
    assert len(queries) == 0  # not even the shared cache
    other = caches.create_connection("default")
    with monkeypatch.context() as in_the_other_process:
        in_the_other_process.setattr(selectors, "cache", other)
        in_the_other_process.setattr(selectors, "_local_stamp", None)
        services.update_procedure(
            actor=make_staff(Role.LEADER, "SXD"),
            procedure=Procedure.objects.get(code="9.000001"),
            changes={"name": "Tên mới sau khi sửa"},
            note="Đổi tên",
        )
        edited = selectors._catalogue_stamp()  # the editing process: at once
    assert edited != before
    selectors._remember_stamp(before, clock[0] + 30)  # this process, as it was
    clock[0] += 29
    assert selectors._catalogue_stamp() == before  # within the bound: what it read
    clock[0] += 2
    assert selectors._catalogue_stamp() == edited  # past it: the edit


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


def test_the_search_page_does_not_search_the_second_time(cached, client):
    first = client.get("/thu-tuc/?q=giay+phep+lai+xe", HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/thu-tuc/?q=giay+phep+lai+xe", HTTP_HX_REQUEST="true")
    assert _searches(queries.captured_queries) == []
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
