"""Attacks on Open311: what an outside client can do without being who it says."""

from __future__ import annotations

import json
import re

from tinhso.feedback import services
from tinhso.feedback.models import Report

from .conftest import HA_LONG

URL = "/open311/v2/requests.json"
FIELDS = {
    "service_code": "rac-thai",
    "address_string": "Chợ Hạ Long 1",
    "attribute[ward]": HA_LONG,
    "description": "Rác tồn đọng hai ngày",
    "phone": "0912345678",
}


class RecordingSms:
    sent: list = []

    def send(self, *, phone, text):
        self.sent.append((phone, text))


def test_a_phone_confirmed_by_its_owner_is_not_usable_by_another_client(
    client, settings, django_capture_on_commit_callbacks
):
    """The owner of 0912345678 confirmed it (on the web form, or Open311) today; a
    stranger posting with that number and no code must get a code sent, not a report
    filed in the owner's name."""
    settings.SMS_SENDER = "tinhso.feedback.tests.test_attack_open311.RecordingSms"
    RecordingSms.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        services.request_phone_code(phone=FIELDS["phone"])
    code = re.search(r"\b(\d{6})\b", RecordingSms.sent[-1][1])[1]
    services.confirm_phone(phone=FIELDS["phone"], code=code)

    response = client.post(URL, {**FIELDS, "description": "Báo sai trong tên người khác"})
    body = json.loads(response.content)
    assert response.status_code == 400, body
    assert body[0]["error_code"] == "phone_confirmation_required"
    assert not Report.objects.filter(description="Báo sai trong tên người khác").exists()


def test_an_impossible_date_in_a_search_is_a_clear_400_not_a_server_error(client):
    for param in ("start_date", "end_date"):
        response = client.get(URL, {param: "2025-13-45T99:99:99"})
        assert response.status_code == 400, param
        assert param in json.loads(response.content)[0]["description"]
