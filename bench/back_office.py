"""Benchmarks of the back office: the transition API, and the officer queue on a
large table.

    DATABASE_URL=postgres://postgres@127.0.0.1/tinhso_bench .venv/bin/python bench/back_office.py
    BENCH_QUEUE_ROWS=1000000 …   # the queue on a million dossiers

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TINHSO_VAR_DIR", tempfile.mkdtemp(prefix="tinhso-bench-"))
os.environ["TINHSO_TESTING"] = "1"
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"

import secrets  # noqa: E402

import django  # noqa: E402

BENCH_PASSWORD = secrets.token_urlsafe(16)  # bench users only; never used to sign in

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DOSSIERS = int(os.environ.get("BENCH_DOSSIERS", "200"))
QUEUE_ROWS = int(os.environ.get("BENCH_QUEUE_ROWS", "200000"))
PROCEDURE = "2.000635"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    print(
        f"{name:<40} n={len(timings):<6} {len(timings) / sum(timings):8.1f}/s   "
        f"p50 {statistics.median(timings) * 1000:7.2f} ms   "
        f"p99 {ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000:7.2f} ms"
    )


def person(username, role=None, agency=None):
    from tinhso.accounts import services as accounts
    from tinhso.accounts.models import Agency
    from tinhso.demo.accounts import demo_personal_id

    if role is None:
        user = accounts.register_citizen(
            username=username, password=BENCH_PASSWORD, full_name="Người Đo",
            personal_id=demo_personal_id(birth=datetime.date(1990, 1, 1), sex="male"),
            date_of_birth=datetime.date(1990, 1, 1), sex="male", phone="0912345678",
        )  # fmt: skip
        from tinhso.accounts.identity import verify_identity

        user = verify_identity(actor=None, personal_id=user.personal_id,
                               date_of_birth=user.date_of_birth)  # fmt: skip
    else:
        user = accounts.create_staff_user(
            actor=None, username=username, full_name=username, email="", role=role,
            agency=Agency.objects.get(code=agency), password=BENCH_PASSWORD,
        )  # fmt: skip
    _, raw = accounts.issue_api_token(actor=None, user=user, name="bench")
    return user, Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def bench_transitions() -> None:
    stamp = time.time_ns()
    _, citizen = person(f"cd{stamp}")
    _, officer = person(f"mc{stamp}", "one_stop_officer", "TTPVHCC")
    specialist_user, specialist = person(f"cv{stamp}", "specialist", "STP")
    leader_user, leader = person(f"ld{stamp}", "leader", "STP")
    from tinhso.signing.services import issue_certificate

    issue_certificate(actor=None, user=leader_user)
    codes = []
    for _ in range(DOSSIERS):
        r = citizen.post(
            "/api/v1/dossiers",
            json.dumps({"procedure": PROCEDURE, "data": {
                "loai_trich_luc": "Giấy khai sinh", "ho_ten_nguoi_duoc_cap": "Nguyễn Văn A",
                "noi_dang_ky": "UBND phường Hồng Gai", "so_luong_ban_sao": 1}}),
            content_type="application/json",
        )  # fmt: skip
        code = r.json()["code"]
        f = io.BytesIO(PDF)
        f.name = "to-khai.pdf"
        citizen.post(
            f"/api/v1/dossiers/{code}/documents",
            {"kind": "to-khai-cap-ban-sao-trich-luc", "file": f},
        )
        assert citizen.post(f"/api/v1/dossiers/{code}/actions/submit", "{}", content_type="application/json").status_code == 200  # fmt: skip
        codes.append(code)
    steps = [
        (officer, "receive", {}),
        (officer, "assign", {"assignee": specialist_user.username}),
        (specialist, "submit_for_approval", {"note": "dự thảo"}),
        (leader, "approve", {}),
        (leader, "sign", {}),
        (officer, "return", {}),
    ]
    every = []
    for client, action, body in steps:
        timings = []
        for code in codes:
            t = time.perf_counter()
            r = client.post(
                f"/api/v1/dossiers/{code}/actions/{action}",
                json.dumps(body),
                content_type="application/json",
            )
            timings.append(time.perf_counter() - t)
            assert r.status_code == 200, r.content
        report(f"POST …/actions/{action}", timings)
        every += timings
    report("all transitions", every)


def bench_queue() -> None:
    from tinhso.accounts.models import Agency, Role
    from tinhso.dossiers.models import Dossier
    from tinhso.procedures.models import Procedure

    _, officer = person(f"q{time.time_ns()}", Role.ONE_STOP_OFFICER, "TTPVHCC")
    _, specialist = person(f"s{time.time_ns()}", Role.SPECIALIST, "STP")
    template = Dossier.objects.order_by("pk").first()
    agencies = list(Agency.objects.filter(kind__in=["department", "ward_committee"]))
    desk = Agency.objects.get(code="TTPVHCC")
    procedures = list(Procedure.objects.all()[:20])
    statuses = [
        "submitted",
        "received",
        "in_progress",
        "awaiting_approval",
        "returned",
        "returned",
        "returned",
    ]
    today = datetime.date.today()
    rng = random.Random(7)
    t = time.perf_counter()
    batch = []
    for i in range(QUEUE_ROWS):
        agency = rng.choice(agencies)
        proc = rng.choice(procedures)
        batch.append(Dossier(
            code=f"BENCH-{i:08d}", procedure=proc, procedure_version_id=template.procedure_version_id,
            applicant_id=template.applicant_id, applicant_name=f"Người {i}", applicant_identifier="",
            agency=agency, desk=desk if rng.random() < 0.5 else agency, unit_id=agency.unit_id,
            status=rng.choice(statuses), data={}, submitted_at=template.submitted_at,
            due_date=today + datetime.timedelta(days=rng.randint(-20, 20)),
        ))  # fmt: skip
        if len(batch) == 10000:
            Dossier.objects.bulk_create(batch)
            batch = []
    if batch:
        Dossier.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE dossiers_dossier")
    print(f"inserted {QUEUE_ROWS} dossiers in {time.perf_counter() - t:.1f} s")
    for label, client, params in [
        ("desk officer: GET /api/v1/queue", officer, {}),
        ("desk officer: ?due=late", officer, {"due": "late"}),
        ("specialist: GET /api/v1/queue", specialist, {}),
        ("specialist: ?status=received", specialist, {"status": "received"}),
        ("specialist: ?q=<code>", specialist, {"q": "BENCH-00012345"}),
    ]:
        timings = []
        for _ in range(20):
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                r = client.get("/api/v1/queue", params)
            timings.append(time.perf_counter() - t)
            assert r.status_code == 200
        report(f"{label} [{len(queries)} queries]", timings)


def main() -> None:
    call_command("bootstrap", verbosity=0, stdout=io.StringIO())
    print(f"database: {connection.vendor}")
    bench_transitions()
    bench_queue()


if __name__ == "__main__":
    main()
