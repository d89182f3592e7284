"""Benchmark of the health FHIR API: Patient search by identifier and Immunization
search by patient, against the platform's lightest request (GET /healthz) as the
"hello" floor, in-process through Django's test client (the whole middleware stack).

    .venv/bin/python bench/health.py                  # 2,000 patients, 3 doses each
    .venv/bin/python bench/health.py --size 200000    # a bigger registry
    DATABASE_URL=postgres://… .venv/bin/python bench/health.py

Prints numbers; asserts nothing. Rows are bulk-inserted (the bench measures reads).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
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

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

CCCD = "http://fhir.hl7.org.vn/core/sid/cccd"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - start)
    return out


def report(name: str, timings: list[float], floor: float | None = None) -> float:
    """Rate from the median (one stalled request on a shared machine would dominate a
    mean); the ratio to hello is of those rates."""
    rate = 1 / statistics.median(timings)
    ratio = f"   ratio to hello {rate / floor:5.2f}" if floor else ""
    print(
        f"{name:<40} n={len(timings):<5} {rate:8.1f}/s   p50 "
        f"{statistics.median(timings) * 1000:7.2f} ms   p99 {percentile(timings, 0.99) * 1000:7.2f} ms"
        + ratio
    )
    return rate


def populate(size: int):
    from tinhso.accounts import services as accounts
    from tinhso.accounts.models import Role
    from tinhso.health import services
    from tinhso.health.models import Encounter, Facility, Immunization, Patient

    services.load_facilities()
    hospital = Facility.objects.get(code="22001")
    doctor = accounts.create_staff_user(
        actor=None, username=f"bench{time.time_ns()}", full_name="Bác Sĩ Đo", email="b@example.vn",
        role=Role.DOCTOR, agency=hospital.agency, password="bench-" + os.urandom(8).hex(),
    )  # fmt: skip
    _, token = accounts.issue_api_token(actor=None, user=doctor, name="bench")
    today = datetime.date.today()
    ids = [f"0220{60 + n % 39}{n:06d}" for n in range(size)]
    patients = [
        Patient(personal_id=pid, full_name=f"Người Bệnh {n}", date_of_birth=datetime.date(1960 + n % 40, 1, 1))
        for n, pid in enumerate(ids)
    ]  # fmt: skip
    for p in patients:
        p.name_folded = p.full_name.lower()
    Patient.objects.bulk_create(patients, batch_size=2000)
    pks = list(Patient.objects.order_by("pk").values_list("pk", flat=True))
    Encounter.objects.bulk_create(
        [Encounter(patient_id=pk, facility=hospital, service_date=today, queue_number=i + 1)
         for i, pk in enumerate(pks)], batch_size=2000,
    )  # fmt: skip
    Immunization.objects.bulk_create(
        [Immunization(patient_id=pk, facility=hospital, vaccine_code="208",
                      vaccine_name="COVID-19", dose_number=d, occurred_on=datetime.date(2021, 3 + d, 1))
         for pk in pks for d in (1, 2, 3)], batch_size=5000,
    )  # fmt: skip
    return token, ids, pks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000, help="patients (3 doses each)")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("bootstrap", verbosity=0, stdout=io.StringIO())
    t = time.perf_counter()
    token, ids, pks = populate(args.size)
    print(f"database: {connection.vendor}; {args.size} patients, {3 * args.size} doses "
          f"inserted in {time.perf_counter() - t:.1f} s")  # fmt: skip
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    n = args.requests
    floor = report("hello floor: GET /healthz", timed(lambda i: client.get("/healthz"), n))
    report(
        "FHIR Patient?identifier=cccd|…",
        timed(lambda i: client.get("/fhir/Patient", {"identifier": f"{CCCD}|{ids[i * 7 % len(ids)]}"}), n),
        floor,
    )  # fmt: skip
    report(
        "FHIR Immunization?patient=…",
        timed(lambda i: client.get("/fhir/Immunization", {"patient": pks[i * 7 % len(pks)]}), n),
        floor,
    )  # fmt: skip


if __name__ == "__main__":
    main()
