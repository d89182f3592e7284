"""Someone else's dossier and a dossier that does not exist get the same answer to an
action, as they do to a read: nobody learns, by trying codes, which ones exist."""

import json
import re

import pytest
from django.test import Client

from tinhso.accounts import services as accounts
from tinhso.accounts.models import Role
from tinhso.core.models import Job
from tinhso.dossiers import services

pytestmark = pytest.mark.django_db

ACTIONS = ["receive", "refuse", "withdraw", "submit", "sign", "return", "apologize", "rate"]


def _bearer(user) -> Client:
    _, raw = accounts.issue_api_token(actor=None, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _answer(client, code, action):
    response = client.post(
        f"/api/v1/dossiers/{code}/actions/{action}",
        json.dumps({"note": "thử"}),
        content_type="application/json",
    )
    body = response.json()
    return response.status_code, body.get("code"), re.sub(re.escape(code), "CODE", body["detail"])


@pytest.fixture
def strangers(make_citizen, make_staff):
    from tinhso.signing.services import issue_certificate

    other_leader = make_staff(Role.LEADER, "STP")
    issue_certificate(actor=None, user=other_leader)
    return {
        "another citizen": make_citizen(),
        "another department's specialist": make_staff(Role.SPECIALIST, "STP"),
        "another department's leader": other_leader,
    }


def test_an_action_on_someone_elses_dossier_is_answered_as_on_none(approved, strangers):
    real = approved.code
    unknown = real[:-4] + ("9999" if not real.endswith("9999") else "9998")
    for name, user in strangers.items():
        client = _bearer(user)
        for action in ACTIONS:
            theirs = _answer(client, real, action)
            nobodys = _answer(client, unknown, action)
            assert theirs == nobodys, (name, action, theirs, nobodys)
            assert theirs[0] == 404


def test_a_draft_is_nobody_elses_either(draft, strangers):
    client = _bearer(strangers["another citizen"])
    assert _answer(client, draft.code, "submit")[0] == 404


def test_the_rightful_officer_who_may_not_take_this_step_still_gets_a_403(received, specialist):
    # The dossier is in their sight (their agency): refusing the step says nothing new.
    status, code, _ = _answer(_bearer(specialist), received.code, "refuse")
    assert (status, code) == (403, "dossiers_not_yours")


def test_the_bulk_signing_log_says_the_same_of_both(
    result_ready, strangers, django_capture_on_commit_callbacks
):
    # A dossier already signed counts as done for its own leader: for a stranger it is
    # one that does not exist, like the second.
    stranger = strangers["another department's leader"]
    unknown = result_ready.code[:-4] + "9999"
    codes = [result_ready.code, unknown]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.sign_in_bulk(actor=stranger, codes=codes)
    job = Job.objects.get(pk=job.pk)
    assert (job.done, job.failed) == (0, 2)
    notes = [
        re.sub(r"^\S+: ", "", re.sub(re.escape(c), "CODE", line))
        for c, line in zip(codes, job.log, strict=True)
    ]
    assert notes[0] == notes[1], job.log
