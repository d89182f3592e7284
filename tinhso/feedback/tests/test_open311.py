"""Open311 GeoReport v2, driven over HTTP by an outside client (urllib against the
live server), as FixMyStreet or the national portal would."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tinhso.accounts.services import issue_api_token
from tinhso.feedback import services
from tinhso.feedback.models import Report

from .conftest import HA_LONG, PIN

pytestmark = pytest.mark.django_db(transaction=True)


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (live_server)
        return response.status, json.loads(response.read())


def _post(url, fields):
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


class RecordingSms:
    sent: list = []

    def send(self, *, phone, text):
        self.sent.append((phone, text))


def test_an_outside_client_lists_services_posts_and_reads_requests(
    live_server, citizen, make_staff, settings
):
    base = f"{live_server.url}/open311/v2"
    status, services_list = _get(f"{base}/services.json")
    assert status == 200
    codes = {s["service_code"] for s in services_list}
    assert {"chieu-sang", "rac-thai", "xay-dung-trai-phep"} <= codes
    assert _get(f"{base}/services/chieu-sang.json")[1]["service_code"] == "chieu-sang"

    _, token = issue_api_token(actor=None, user=citizen, name="civic app")
    status, created = _post(
        f"{base}/requests.json",
        {
            "api_key": token,
            "jurisdiction_id": "tinhso-22",
            "service_code": "chieu-sang",
            "lat": PIN[0],
            "long": PIN[1],
            "address_string": "Đường Bến Đoan",
            "attribute[ward]": HA_LONG,
            "description": "Cột đèn số 12 không sáng",
        },
    )
    assert status == 200, created
    code = created[0]["service_request_id"]
    assert re.fullmatch(r"PA-\d{6}-\d{4}", code)

    status, [one] = _get(f"{base}/requests/{code}.json")
    assert one["status"] == "open" and "description" not in one  # not published yet
    assert one["agency_responsible"].endswith("Hạ Long")

    report = Report.objects.get(code=code)
    officer = make_staff("specialist", f"UBND{HA_LONG}")
    services.answer_report(actor=officer, report=report, answer="Đã thay bóng đèn")
    services.publish_report(actor=officer, report=report, boxes={})
    status, [one] = _get(f"{base}/requests/{code}.json")
    assert one["status"] == "closed" and one["status_notes"] == "Đã thay bóng đèn"
    assert one["lat"] == pytest.approx(PIN[0]) and "reporter" not in json.dumps(one)

    status, listed = _get(f"{base}/requests.json?service_code=chieu-sang&status=closed")
    assert [r["service_request_id"] for r in listed] == [code]
    assert _get(f"{base}/requests.json?status=open")[1] == []
    bad = f"{base}/services.json?jurisdiction_id=ha-noi"
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(bad)
    assert err.value.code == 404


def test_an_anonymous_client_confirms_its_phone_with_the_code_sent(live_server, settings):
    settings.SMS_SENDER = "tinhso.feedback.tests.test_open311.RecordingSms"
    RecordingSms.sent = []
    url = f"{live_server.url}/open311/v2/requests.json"
    fields = {
        "service_code": "rac-thai",
        "address_string": "Chợ Hạ Long 1",
        "attribute[ward]": HA_LONG,
        "description": "Rác tồn đọng hai ngày",
        "phone": "0912345678",
    }
    status, body = _post(url, fields)
    assert status == 400 and body[0]["error_code"] == "phone_confirmation_required"
    sent_code = re.search(r"\b(\d{6})\b", RecordingSms.sent[-1][1])[1]
    status, body = _post(url, {**fields, "attribute[phone_code]": "x"})
    assert status == 400 and body[0]["error_code"] == "feedback_bad_phone_code"
    status, body = _post(url, {**fields, "attribute[phone_code]": sent_code})
    assert status == 200, body
    report = Report.objects.get(code=body[0]["service_request_id"])
    assert report.reporter is None and report.reporter_phone == "0912345678"
    assert report.channel == "open311"
