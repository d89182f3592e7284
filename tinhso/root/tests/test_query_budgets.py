"""How many queries each hot path of the load bench costs (bench/load/run.py, issue 18):
a change that adds one per row, or a reload, fails here before it shows in the bench."""

import json

import pytest
from django.db import connection

from tinhso.testing import DRIVING, DRIVING_DATA, DRIVING_PAPERS, KEPT_FOR_THE_RUN, pdf_file

pytestmark = pytest.mark.django_db


def _audit_apart() -> int:
    """PostgreSQL locks an audit stream's head and numbers the events in one statement,
    and stores them with the head's new place in another; SQLite (one writer at a time)
    reads the next global number apart and stores the events and the head apart."""
    return 2 if connection.vendor == "sqlite" else 0


def test_a_whole_submission(api_as, applicant, django_assert_max_num_queries):
    api = api_as(applicant)
    api.get("/api/v1/dossiers")  # the token's first use
    # the token, the key (no savepoint of its own), the procedure and its version (and
    # the version's form: once per process), the one-stop desk, the number (and the
    # day's row, the first time, in a savepoint), the row, its first line, the audit
    # chain (2), the answer stored, savepoints; not the timeline read back
    with django_assert_max_num_queries(19 + _audit_apart()):
        created = api.post(
            "/api/v1/dossiers",
            json.dumps({"procedure": DRIVING, "data": DRIVING_DATA}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="budget-1",
        )
    assert created.status_code == 201, created.content
    assert [line["action"] for line in created.json()["timeline"]] == ["create"]
    code = created.json()["code"]
    for kind in DRIVING_PAPERS:
        # the token, the locked row, the paper before it marked replaced, the paper, its
        # line, the audit chain (2), savepoint: no reload, no declaration
        with django_assert_max_num_queries(9 + _audit_apart()):
            attached = api.post(
                f"/api/v1/dossiers/{code}/documents", {"kind": kind, "file": pdf_file()}
            )
        assert attached.status_code == 201, attached.content
    # the declaration, the notice: after it; +1 the kept count
    with django_assert_max_num_queries(24 + _audit_apart()):
        submitted = api.post(
            f"/api/v1/dossiers/{code}/actions/submit", "{}", content_type="application/json"
        )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert {d["kind"] for d in submitted.json()["documents"]} >= set(DRIVING_PAPERS)


def test_my_dossiers(api_as, applicant, submitted, django_assert_max_num_queries):
    api = api_as(applicant)
    with django_assert_max_num_queries(4):  # the token (and its use), the count, the page
        mine = api.get("/api/v1/dossiers")
    assert [d["code"] for d in mine.json()["results"]] == [submitted.code]
    with django_assert_max_num_queries(3):  # then: the token, the count, the page
        api.get("/api/v1/dossiers")


def test_the_queue_page(api_as, officer, submitted, django_assert_max_num_queries):
    api = api_as(officer)
    # the token with its person and roles (and its use), the agency tree, rows, count
    with django_assert_max_num_queries(5):
        page = api.get("/api/v1/queue")
    assert [d["code"] for d in page.json()["results"]] == [submitted.code]
    # then (the agency tree kept a minute): the token with the officer's roles, the
    # rows in one query, the kept counts (no scan of the waiting rows)
    with django_assert_max_num_queries(3):
        api.get("/api/v1/queue")


def test_the_queue_and_my_dossiers_kept(
    api_as, officer, applicant, submitted, settings, django_assert_max_num_queries
):
    """From the process's memory (root.middleware): the token with the person and
    their roles, the stamp."""
    from tinhso.root.middleware import forget_public_answers

    settings.PUBLIC_CACHE_SECONDS = KEPT_FOR_THE_RUN
    forget_public_answers()
    for who, path in ((officer, "/api/v1/queue"), (applicant, "/api/v1/dossiers")):
        api = api_as(who)
        first = api.get(path)
        with django_assert_max_num_queries(2):
            again = api.get(path)
        assert again.content == first.content
        assert again.json()["results"][0]["code"] == submitted.code
    forget_public_answers()


def test_tracking(client, submitted, django_assert_max_num_queries):
    last4 = submitted.applicant_phone[-4:]
    # the attempt counted (the address and the code, one statement), the row, its
    # timeline, the attempt given back (the digits match); outside a test's
    # transaction, when a window begins, one more: a few ended ones removed
    with django_assert_max_num_queries(4):
        found = client.get("/api/v1/tracking", {"code": submitted.code, "last4": last4})
    assert found.status_code == 200 and found.json()["code"] == submitted.code
    with django_assert_max_num_queries(1):  # the form (a lookup is a POST)
        page = client.get("/tra-cuu/", {"ma": submitted.code})
    assert page.status_code == 200


def test_tracking_kept(client, submitted, settings, django_assert_max_num_queries):
    """From the public pages' cache (root.middleware): the row and the limits, in one
    statement."""
    from tinhso.root.middleware import forget_public_answers

    settings.PUBLIC_CACHE_SECONDS = KEPT_FOR_THE_RUN
    forget_public_answers()
    last4 = submitted.applicant_phone[-4:]
    first = client.get("/api/v1/tracking", {"code": submitted.code, "last4": last4})
    with django_assert_max_num_queries(1):
        again = client.get("/api/v1/tracking", {"code": submitted.code, "last4": last4})
    assert again.content == first.content
    forget_public_answers()


def test_the_procedure_page_and_api(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        page = client.get(f"/thu-tuc/{DRIVING}/")
    assert page.status_code == 200
    with django_assert_max_num_queries(3):
        found = client.get(f"/api/v1/procedures/{DRIVING}")
    assert found.json()["code"] == DRIVING


def test_the_search(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):  # the first time: searched, and kept
        found = client.get("/api/v1/procedures", {"q": "giay phep lai xe"})
    assert found.json()["results"][0]["code"] == "9.000001"
    with django_assert_max_num_queries(5):  # then: the stamp, the answer, the rows
        again = client.get("/api/v1/procedures", {"q": "giay phep lai xe"})
    assert again.content == found.content
    with django_assert_max_num_queries(7):
        page = client.get("/thu-tuc/", {"q": "giay phep lai xe"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
