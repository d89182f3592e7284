"""Benchmarks of the public-service portal: catalogue search and online submission.

    .venv/bin/python bench/portal.py                 # embedded SQLite (a temp file)
    DATABASE_URL=postgres://postgres@127.0.0.1/tinhso_bench .venv/bin/python bench/portal.py

Prints numbers; it asserts nothing. The catalogue is grown to the size of a real
province's (Quảng Ninh publishes 1,832 procedures) by copying the shipped ones.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TINHSO_VAR_DIR", tempfile.mkdtemp(prefix="tinhso-bench-"))
os.environ["TINHSO_TESTING"] = "1"  # fast password hashing for the bench users
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the in-process client speaks http
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"

import secrets  # noqa: E402

import django  # noqa: E402

BENCH_PASSWORD = secrets.token_urlsafe(16)  # bench users only; never used to sign in

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

CATALOGUE_SIZE = int(os.environ.get("BENCH_CATALOGUE", "1832"))
SEARCHES = int(os.environ.get("BENCH_SEARCHES", "300"))
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "150"))
QUERIES = [
    "giay phep lai xe", "khai sinh", "dang ky ket hon", "giay phep xay dung",
    "thanh lap doanh nghiep", "ho kinh doanh", "dat dai", "tro cap that nghiep",
    "ly lich tu phap", "chung thuc ban sao", "giay phep lai xee", "an toan thuc pham",
]  # fmt: skip
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def grow_catalogue() -> None:
    from tinhso.procedures.services import DATA_FILE, load_catalogue

    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    base = raw["procedures"]
    grown = list(base)
    n = 0
    while len(grown) < CATALOGUE_SIZE:
        template = dict(base[n % len(base)])
        n += 1
        template["code"] = f"8.{n:06d}"
        template["name"] = f"{template['name']} (biến thể {n})"
        grown.append(template)
    path = Path(os.environ["TINHSO_VAR_DIR"]) / "catalogue.json"
    path.write_text(json.dumps({**raw, "procedures": grown}, ensure_ascii=False))
    load_catalogue(path=path)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def report(name: str, timings: list[float]) -> None:
    total = sum(timings)
    print(
        f"{name:<34} n={len(timings):<5} {len(timings) / total:8.1f}/s   "
        f"p50 {statistics.median(timings) * 1000:7.2f} ms   p99 {percentile(timings, 0.99) * 1000:7.2f} ms"
    )


def bench_search() -> None:
    from tinhso.procedures import selectors
    from tinhso.procedures.models import Procedure

    def timed(fn) -> list[float]:
        out = []
        for i in range(SEARCHES):
            q = QUERIES[i % len(QUERIES)]
            start = time.perf_counter()
            fn(q)
            out.append(time.perf_counter() - start)
        return out

    report(
        "baseline: name__icontains (no fold)",
        timed(lambda q: list(Procedure.objects.filter(name__icontains=q)[:20])),
    )
    report(
        "selector: folded + typo-tolerant", timed(lambda q: list(selectors.procedures(q=q))[:20])
    )
    client = Client()
    report("GET /api/v1/procedures?q=", timed(lambda q: client.get("/api/v1/procedures", {"q": q})))
    report("GET /thu-tuc/?q= (HTMX page)", timed(lambda q: client.get("/thu-tuc/", {"q": q}, HTTP_HX_REQUEST="true")))  # fmt: skip


def bench_submission() -> None:
    import datetime

    from tinhso.accounts import services as accounts
    from tinhso.demo.accounts import demo_personal_id

    user = accounts.register_citizen(
        username=f"bench{time.time_ns()}",
        password=BENCH_PASSWORD,
        full_name="Người Đo Hiệu Năng",
        personal_id=demo_personal_id(birth=datetime.date(1990, 1, 1), sex="male"),
        date_of_birth=datetime.date(1990, 1, 1),
        sex="male",
        phone="0912345678",
    )
    from tinhso.accounts.identity import verify_identity

    verify_identity(actor=None, personal_id=user.personal_id, date_of_birth=user.date_of_birth)
    _, raw = accounts.issue_api_token(actor=None, user=user, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    from bench.forms import required_answers

    data, required = required_answers("3.000347", phone="0912345678")
    create, upload, submit, whole = [], [], [], []
    for i in range(SUBMISSIONS):
        t0 = time.perf_counter()
        r = api.post(
            "/api/v1/dossiers",
            json.dumps({"procedure": "3.000347", "data": data}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{i}-{t0}",
        )
        assert r.status_code == 201, r.content
        code = r.json()["code"]
        t1 = time.perf_counter()
        for kind in required:
            f = io.BytesIO(PDF)
            f.name = "giay.pdf"
            r = api.post(f"/api/v1/dossiers/{code}/documents", {"kind": kind, "file": f})
            assert r.status_code == 201, r.content
        t2 = time.perf_counter()
        r = api.post(
            f"/api/v1/dossiers/{code}/actions/submit", "{}", content_type="application/json"
        )
        assert r.status_code == 200, r.content
        t3 = time.perf_counter()
        create.append(t1 - t0)
        upload.append((t2 - t1) / max(1, len(required)))
        submit.append(t3 - t2)
        whole.append(t3 - t0)
    report("POST /dossiers (draft)", create)
    report("POST /dossiers/{code}/documents", upload)
    report("POST .../actions/submit", submit)
    report(f"whole submission ({len(required)} papers)", whole)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("bootstrap", verbosity=0, stdout=io.StringIO())
    t = time.perf_counter()
    grow_catalogue()
    from tinhso.procedures.models import Procedure

    print(f"database: {connection.vendor}; catalogue of {Procedure.objects.count()} procedures "
          f"loaded in {time.perf_counter() - t:.1f} s")  # fmt: skip
    bench_search()
    bench_submission()


if __name__ == "__main__":
    main()
