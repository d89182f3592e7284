"""An officer's queue and an applicant's own dossiers, read with an API token, are
answered from the server process's memory under a stamp of what they show
(dossiers.stamps, root.middleware.PublicCacheMiddleware): through every step of a
dossier's life each person's kept answer is the one the whole way gives; a revoked
token, a role taken away, another person never get a kept answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhso.accounts import services as accounts
from tinhso.accounts.models import ApiToken, RoleAssignment
from tinhso.dossiers.models import Dossier
from tinhso.root.middleware import forget_public_answers
from tinhso.testing import DRIVING_PAPERS, KEPT_FOR_THE_RUN, bearer_client
from tinhso.testing.factories import DossierFactory

from .test_queue_counts import DATA, LIVES, _step

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_answers(settings):
    settings.PUBLIC_CACHE_SECONDS = KEPT_FOR_THE_RUN
    forget_public_answers()
    yield
    forget_public_answers()


def _readers(people) -> list[tuple[str, object, str]]:
    """(who, their API client, a path they read): every queue, a few filters."""
    officers = [
        ("officer", people["officer"]),
        ("admin", people["admin"]),
        *((f"{a} {r}", u) for a in ("SXD", "STP") for r, u in people[a].items()),
    ]
    readers = []
    for name, user in officers:
        api = bearer_client(user)
        readers += [
            (name, api, "/api/v1/queue"),
            (name, api, "/api/v1/queue?status=received&page_size=1"),
            (name, api, "/api/v1/queue?mine=true"),
        ]
    mine = bearer_client(people["applicant"])
    readers += [
        ("applicant", mine, "/api/v1/dossiers"),
        ("applicant", mine, "/api/v1/dossiers?status=received"),
    ]
    return readers


def _assert_kept_answers_are_fresh(readers, step: str) -> None:
    kept = {(who, path): api.get(path) for who, api, path in readers}
    forget_public_answers()
    for who, api, path in readers:
        fresh = api.get(path)  # the whole way (and kept again for the next step)
        assert fresh.status_code == 200, (who, path, fresh.content)
        assert kept[(who, path)].content == fresh.content, (step, who, path)


def test_every_step_shows_at_once_in_every_kept_answer(people):
    readers = _readers(people)
    lives = LIVES
    _assert_kept_answers_are_fresh(readers, "start")
    steps = 0
    for life in lives:
        dossier = DossierFactory(applicant=people["applicant"], data=DATA, papers=DRIVING_PAPERS,
                                 submit=True)  # fmt: skip
        _assert_kept_answers_are_fresh(readers, "submit")
        for action in life:
            before = dossier.version
            dossier = _step(people, dossier, action)
            assert dossier.version > before, action  # the step was taken
            _assert_kept_answers_are_fresh(readers, action)
            steps += 1
    assert steps == 21


def test_an_unchanged_queue_is_answered_from_memory(api_as, officer, submitted):
    api = api_as(officer)
    first = api.get("/api/v1/queue")
    assert [d["code"] for d in first.json()["results"]] == [submitted.code]
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/api/v1/queue")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "private, no-store"
    assert "dossiers_dossier" not in " ".join(q["sql"] for q in queries.captured_queries)
    not_modified = api.get("/api/v1/queue", HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    assert not_modified["Cache-Control"] == "private, no-store"


def test_my_dossiers_unchanged_are_answered_from_memory(api_as, applicant, submitted):
    api = api_as(applicant)
    first = api.get("/api/v1/dossiers")
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/api/v1/dossiers")
    assert again.content == first.content
    assert not any('dossiers_dossier"."code' in q["sql"] for q in queries.captured_queries)
    # a new draft shows at once
    DossierFactory(applicant=applicant)
    assert api.get("/api/v1/dossiers").json()["count"] == 2


def test_a_revoked_token_is_refused_at_once(api_as, officer, submitted):
    api = api_as(officer)
    assert api.get("/api/v1/queue").status_code == 200
    for token in ApiToken.objects.filter(user=officer):
        accounts.revoke_api_token(actor=None, token=token)
    assert api.get("/api/v1/queue").status_code == 401


def test_a_role_taken_away_is_seen_at_once(api_as, officer, submitted):
    api = api_as(officer)
    assert api.get("/api/v1/queue").json()["count"] == 1
    RoleAssignment.objects.filter(user=officer).delete()
    assert api.get("/api/v1/queue").status_code == 403


def test_nobody_gets_another_persons_answer(api_as, applicant, make_citizen, submitted):
    mine = api_as(applicant).get("/api/v1/dossiers")
    assert mine.json()["count"] == 1
    other = api_as(make_citizen()).get("/api/v1/dossiers")
    assert other.status_code == 200 and other.json()["count"] == 0
    assert Dossier.objects.count() == 1


def test_a_session_is_never_answered_from_memory(client, applicant, submitted):
    client.force_login(applicant)
    first = client.get("/api/v1/dossiers")
    assert first.status_code == 200 and "ETag" not in first


def test_a_step_that_moves_no_count_still_shows_at_once(monkeypatch, applicant, officer,
                                                        specialist):  # fmt: skip
    """An apology changes only the date told to the citizen: no count moves, the kept
    answers of the queue and of the applicant's list change all the same."""
    import datetime

    from django.utils import timezone

    from tinhso.testing import act

    today = timezone.make_aware(datetime.datetime(2025, 4, 21, 9, 0))  # a Monday
    monkeypatch.setattr(timezone, "now", lambda: today)
    dossier = DossierFactory(applicant=applicant, data=DATA, papers=DRIVING_PAPERS, submit=True)
    dossier = act(officer, dossier, "receive")
    dossier = act(officer, dossier, "assign", assignee=specialist.username)
    readers = [
        ("specialist", bearer_client(specialist), "/api/v1/queue"),
        ("applicant", bearer_client(applicant), "/api/v1/dossiers"),
    ]
    _assert_kept_answers_are_fresh(readers, "assign")
    today = timezone.make_aware(datetime.datetime(2025, 4, 25, 9, 0))  # the day before
    _assert_kept_answers_are_fresh(readers, "a day later")
    act(specialist, dossier, "apologize", note="Chờ xác minh", new_due_date="2025-05-06")
    for _who, api, path in readers:
        assert api.get(path).json()["results"][0]["appointment_date"] == "2025-05-06"
    _assert_kept_answers_are_fresh(readers, "apologize")
