"""Anonymous GETs of the public catalogue are answered from the server process's
memory (root.middleware.PublicCacheMiddleware): the same answer without the database,
a 304 to a client that has it, an edit visible at once, nothing kept for a signed-in
person; a page's CSRF token is each visitor's own."""

import logging
import re

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tinhso.accounts.models import Role
from tinhso.procedures import selectors, services
from tinhso.procedures.models import Procedure
from tinhso.root.middleware import forget_public_answers
from tinhso.testing import KEPT_FOR_THE_RUN

pytestmark = pytest.mark.django_db

CODE = "9.000001"


@pytest.fixture(autouse=True)
def public_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = KEPT_FOR_THE_RUN
    settings.CATALOGUE_CACHE_SECONDS = 60
    selectors.forget_catalogue()
    forget_public_answers()
    yield
    forget_public_answers()
    selectors.forget_catalogue()


def _catalogue_sql(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "procedures_" in q["sql"]]


def test_the_second_anonymous_read_does_not_touch_the_catalogue(client):
    first = client.get(f"/api/v1/procedures/{CODE}")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(f"/api/v1/procedures/{CODE}")
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert _catalogue_sql(queries) == [] and len(queries) <= 1  # the stamp, at most
    assert again["ETag"] == first["ETag"] and again["X-Request-ID"] != first["X-Request-ID"]


def test_a_client_that_has_the_answer_gets_304(client):
    etag = client.get("/api/v1/procedures?q=giay+phep+lai+xe")["ETag"]
    again = client.get("/api/v1/procedures?q=giay+phep+lai+xe", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""


def test_an_edit_shows_at_once(client, make_staff):
    before = client.get(f"/api/v1/procedures/{CODE}")
    services.update_procedure(
        actor=make_staff(Role.LEADER, "SXD"),
        procedure=Procedure.objects.get(code=CODE),
        changes={"name": "Tên mới sau khi sửa"},
        note="Đổi tên",
    )
    after = client.get(f"/api/v1/procedures/{CODE}")
    assert after.json()["name"] == "Tên mới sau khi sửa"
    assert after["ETag"] != before["ETag"]
    stale = client.get(f"/api/v1/procedures/{CODE}", HTTP_IF_NONE_MATCH=before["ETag"])
    assert stale.status_code == 200


def test_each_language_has_its_own_answer(client):
    vi = client.get("/api/v1/procedures/nothing-here", HTTP_ACCEPT_LANGUAGE="vi")
    en = client.get("/api/v1/procedures/nothing-here", HTTP_ACCEPT_LANGUAGE="en")
    assert vi.status_code == en.status_code == 404  # errors are never kept
    client.get("/thu-tuc/?q=khai+sinh", HTTP_HX_REQUEST="true")
    client.cookies["django_language"] = "en"
    english = client.get("/thu-tuc/?q=khai+sinh", HTTP_HX_REQUEST="true")
    assert english.get("Content-Language", "en") == "en"


def test_a_signed_in_person_is_not_served_from_it(client, make_citizen):
    client.get("/thu-tuc/?q=khai+sinh", HTTP_HX_REQUEST="true")
    client.force_login(make_citizen())
    mine = client.get("/thu-tuc/?q=khai+sinh", HTTP_HX_REQUEST="true")
    assert "ETag" not in mine and "private" in mine["Cache-Control"]


def test_a_kept_page_carries_the_visitors_own_csrf_token(client):
    first = client.get(f"/thu-tuc/{CODE}/")
    strangers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    with CaptureQueriesContext(connection) as queries:
        pages = [c.get(f"/thu-tuc/{CODE}/") for c in strangers]
    assert _catalogue_sql(queries) == []
    secrets = [_unmask_cipher_token(_token(p)) for p in [first, *pages]]
    assert len(set(secrets)) == 3  # never the first visitor's secret
    for visitor, page in zip(strangers, pages, strict=True):
        assert _unmask_cipher_token(_token(page)) == visitor.cookies["csrftoken"].value
        assert "csrftoken" in page.cookies  # its secret, set as the page would
        switched = visitor.post(
            reverse("set_language"),
            {"language": "en", "next": "/", "csrfmiddlewaretoken": _token(page)},
        )
        assert switched.status_code == 302  # the token holds against its cookie
    again = strangers[0].get(f"/thu-tuc/{CODE}/")  # its secret kept, in English now
    assert again.cookies["csrftoken"].value == strangers[0].cookies["csrftoken"].value
    assert again.get("Content-Language") == "en"


def test_a_kept_page_has_one_fresh_mask_per_answer_of_the_visitors_own_secret():
    """As Django's render gives: one masked token in every slot of the page. A new mask
    on every answer (BREACH), of this visitor's own secret."""
    rendered = _TOKENS.findall(Client().get("/tra-cuu/").content.decode())  # kept now
    assert len(rendered) >= 2 and len(set(rendered)) == 1  # Django's own render
    visitor = Client(enforce_csrf_checks=True)
    answers = [visitor.get("/tra-cuu/") for _ in range(3)]
    assert [a.templates for a in answers] == [[], [], []]  # kept: nothing rendered
    secret = visitor.cookies["csrftoken"].value
    seen = []
    for answer in answers:
        assert b"\x00csrf\x00" not in answer.content
        tokens = _TOKENS.findall(answer.content.decode())
        assert len(tokens) == len(rendered) and len(set(tokens)) == 1
        assert _unmask_cipher_token(tokens[0]) == secret
        seen.append(tokens[0])
    assert len(set(seen)) == 3


def test_a_message_waiting_is_not_served_from_it(client):
    client.get(f"/thu-tuc/{CODE}/")
    client.cookies["messages"] = "anything"
    assert "ETag" not in client.get(f"/thu-tuc/{CODE}/")


_TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(page) -> str:
    found = _TOKENS.search(page.content.decode())
    assert found is not None
    return found.group(1)


# ---------------------------------------------------------------- public tracking


def _wrong_digits(dossier, n: int) -> list[str]:
    """n sets of 4 digits that end neither the phone nor the ID number (the ID is drawn
    at random: "0007" could end it)."""
    right = {dossier.applicant_phone[-4:], (dossier.applicant_identifier or "")[-4:]}
    return [d for d in (f"{i:04d}" for i in range(100)) if d not in right][:n]


def _track(client, dossier, last4=None, **headers):
    last4 = last4 or dossier.applicant_phone[-4:]
    return client.get("/api/v1/tracking", {"code": dossier.code, "last4": last4}, **headers)


def test_tracking_again_is_answered_from_one_small_read(client, submitted):
    first = _track(client, submitted)
    with CaptureQueriesContext(connection) as queries:
        again = _track(Client(), submitted)  # another visitor, the same code and digits
    assert again.status_code == 200 and again.content == first.content
    assert len(queries) == 1  # the dossier's row and the limits, in one statement
    # the address holds the digits: no browser or proxy keeps either answer
    assert first["Cache-Control"] == again["Cache-Control"] == "no-store"
    assert not [q for q in queries.captured_queries if 'dossiers_dossierevent"' in q["sql"][:80]]


def test_tracking_shows_a_change_at_once(client, submitted, officer):
    from tinhso.testing.fixtures import act

    before = _track(client, submitted)
    assert before.json()["status"] == "submitted"
    act(officer, submitted, "receive")
    after = _track(client, submitted)
    assert after.json()["status"] == "received"
    assert len(after.json()["timeline"]) == len(before.json()["timeline"]) + 1
    assert _track(client, submitted, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_tracking_with_wrong_digits_is_never_served_from_it(client, submitted):
    assert _track(client, submitted).status_code == 200
    first, *others = _wrong_digits(submitted, 20)
    wrong = _track(client, submitted, last4=first)
    assert wrong.status_code == 404 and "ETag" not in wrong
    for digits in others:  # the failures are still counted: the limit still holds
        _track(client, submitted, last4=digits)
    assert _track(client, submitted).status_code == 429


def test_the_tracking_form_is_kept(client):
    client.get("/tra-cuu/")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/tra-cuu/")
    assert again.status_code == 200 and "ETag" in again and len(queries) <= 1


def _visitor() -> tuple[Client, str]:
    """A browser with CSRF checks on, after loading the tracking form: its token."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/tra-cuu/").content.decode()
    return browser, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _look_up(browser, token, dossier, last4=None):
    last4 = last4 or dossier.applicant_phone[-4:]
    return browser.post(
        "/tra-cuu/", {"csrfmiddlewaretoken": token, "ma": dossier.code, "so": last4}
    )


def _without_tokens(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)


def test_a_tracking_lookup_again_is_answered_from_one_small_read(submitted):
    first = _look_up(*_visitor(), submitted)
    assert first.status_code == 200 and submitted.code in first.content.decode()
    browser, token = _visitor()  # another visitor, the same code and digits
    with CaptureQueriesContext(connection) as queries:
        again = _look_up(browser, token, submitted)
    assert again.status_code == 200
    assert len(queries) == 1  # the dossier's row and the limits, in one statement
    assert _without_tokens(again.content) == _without_tokens(first.content)
    # the page's forms carry this visitor's own token, which its next POST passes with
    mine = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', again.content).group(1)
    assert _look_up(browser, mine.decode(), submitted).status_code == 200


def test_a_tracking_lookup_shows_a_change_at_once(submitted, officer):
    from tinhso.testing.fixtures import act

    browser, token = _visitor()
    status = re.compile(r"<dd><strong>([^<]+)</strong></dd>")
    before = _look_up(browser, token, submitted).content.decode()
    act(officer, submitted, "receive")
    after = _look_up(browser, token, submitted).content.decode()
    assert status.search(before).group(1) != status.search(after).group(1)


def test_a_kept_lookup_is_refused_without_the_csrf_token(submitted):
    browser, token = _visitor()
    assert _look_up(browser, token, submitted).status_code == 200  # kept now
    assert _look_up(browser, "x" * 32, submitted).status_code == 403
    stranger = Client(enforce_csrf_checks=True)  # no cookie at all
    assert _look_up(stranger, token, submitted).status_code == 403


def test_wrong_digits_are_never_answered_from_a_kept_lookup(submitted):
    browser, token = _visitor()
    right = _look_up(browser, token, submitted)
    assert right.status_code == 200
    first, *others = _wrong_digits(submitted, 20)
    wrong = _look_up(browser, token, submitted, last4=first)
    assert "Không tìm thấy hồ sơ" in wrong.content.decode()
    # what the form refuses is refused, though the digits end the number
    longer = _look_up(browser, token, submitted, last4=submitted.applicant_phone[-5:])
    assert "Nhập đúng 4 chữ số." in longer.content.decode()
    for digits in others:  # the failures are counted: the limit holds for the kept one
        _look_up(browser, token, submitted, last4=digits)
    assert _look_up(browser, token, submitted).status_code == 429


def _form(dossier, token, last4=None):
    return {"csrfmiddlewaretoken": token, "ma": dossier.code,
            "so": last4 or dossier.applicant_phone[-4:]}  # fmt: skip


def test_a_refused_lookup_is_logged_once(submitted, caplog):
    """The middleware's own CSRF check logs the refusal, then the whole way logs it
    again: every forged or stale-token lookup counts twice in django.security.csrf."""
    browser, _token = _visitor()
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        refused = browser.post("/tra-cuu/", _form(submitted, "x" * 32))
    assert refused.status_code == 403
    assert len([r for r in caplog.records if r.name == "django.security.csrf"]) == 1


@pytest.mark.parametrize(
    "how",
    [
        {"secure": True, "HTTP_REFERER": "https://evil.example/"},
        {"secure": True},  # no Referer over HTTPS
        {"secure": True, "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_a_kept_lookup_still_needs_a_same_site_request(submitted, how):
    first, token = _visitor()
    kept = first.post("/tra-cuu/", _form(submitted, token), secure=True,
                      HTTP_REFERER="https://testserver/tra-cuu/")  # fmt: skip
    assert kept.status_code == 200 and "ETag" in kept
    browser, token = _visitor()
    assert browser.post("/tra-cuu/", _form(submitted, token), **how).status_code == 403
    # the unmasked secret is a valid token too, as in Django
    secret = browser.cookies["csrftoken"].value
    assert browser.post("/tra-cuu/", _form(submitted, secret)).status_code == 200


def test_signed_in_english_and_wrong_digits_are_not_served_from_it(submitted, make_citizen):
    first, token = _visitor()
    vi = first.post("/tra-cuu/", _form(submitted, token))
    signed_in, _ = _visitor()
    signed_in.force_login(make_citizen())
    page = signed_in.get("/tra-cuu/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    mine = signed_in.post("/tra-cuu/", _form(submitted, token))
    assert mine.status_code == 200 and "ETag" not in mine
    english, token = _visitor()
    english.cookies["django_language"] = "en"
    en = english.post("/tra-cuu/", _form(submitted, token))
    assert en["Content-Language"] == "en" and en["ETag"] != vi["ETag"]
    header, token = _visitor()  # pages follow the cookie only, kept or not
    assert header.post("/tra-cuu/", _form(submitted, token),
                       HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "vi"  # fmt: skip
    wrong = header.post("/tra-cuu/", _form(submitted, token, last4=_wrong_digits(submitted, 1)[0]))
    assert wrong.status_code == 404 and "ETag" not in wrong
