"""Profile one path of the load mix in-process (pyinstrument), on the load database,
and count its SQL queries.

    .venv/bin/python bench/load/profile.py search_api [-n 200]

Run bench/load/run.py once first (it creates and fills the database).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import DEFAULT_DB, server_env  # noqa: E402

os.environ.update(
    server_env(
        os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB),
        Path(os.environ.get("LOAD_VAR_DIR", "/tmp/tinhso-load-var")),
    )
)
os.environ["ALLOWED_HOSTS"] += ",testserver"  # Django's test client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--html", type=Path)
    args = parser.parse_args()
    ctx = json.loads(
        subprocess.run(
            [sys.executable, str(HERE / "prepare.py")], capture_output=True, text=True, check=True
        ).stdout.splitlines()[-1]
    )
    import django

    django.setup()
    import pyinstrument
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    Profiler = pyinstrument.Profiler

    citizen = Client(HTTP_AUTHORIZATION=f"Bearer {ctx['citizen_token']}")
    submitter = Client(HTTP_AUTHORIZATION=f"Bearer {ctx['submitter_token']}")
    officer = Client(HTTP_AUTHORIZATION=f"Bearer {ctx['officer_token']}")
    anonymous = Client()
    q, codes, tracked = ctx["queries"], ctx["procedures"], ctx["tracked"]
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

    def submission(i):
        r = submitter.post(
            "/api/v1/dossiers",
            json.dumps({"procedure": ctx["procedure"], "data": ctx["data"]}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"profile-{time.time_ns()}",
        )
        assert r.status_code == 201, r.content
        code = r.json()["code"]
        for kind in ctx["papers"]:
            from django.core.files.uploadedfile import SimpleUploadedFile

            f = SimpleUploadedFile("giay.pdf", pdf, content_type="application/pdf")
            r = submitter.post(f"/api/v1/dossiers/{code}/documents", {"kind": kind, "file": f})
            assert r.status_code == 201, r.content
        r = submitter.post(
            f"/api/v1/dossiers/{code}/actions/submit", "{}", content_type="application/json"
        )
        assert r.status_code == 200, r.content

    paths = {
        "healthz": lambda i: anonymous.get("/healthz"),
        "search_api": lambda i: anonymous.get(f"/api/v1/procedures?q={quote(q[i % len(q)])}"),
        "search_page": lambda i: anonymous.get(
            f"/thu-tuc/?q={quote(q[i % len(q)])}", HTTP_HX_REQUEST="true"
        ),
        "procedure_page": lambda i: anonymous.get(f"/thu-tuc/{codes[i % len(codes)]}/"),
        "procedure_api": lambda i: anonymous.get(f"/api/v1/procedures/{codes[i % len(codes)]}"),
        "tracking": lambda i: anonymous.get(
            f"/api/v1/tracking?code={tracked[i % len(tracked)]}&last4={ctx['last4']}"
        ),
        "tracking_page": lambda i: anonymous.post(  # the form's lookup (no CSRF check here)
            "/tra-cuu/", {"ma": tracked[i % len(tracked)], "so": ctx["last4"]}
        ),
        "officer_queue": lambda i: officer.get("/api/v1/queue"),
        "my_dossiers": lambda i: citizen.get("/api/v1/dossiers"),
        "submission": submission,
    }
    run = paths[args.path]
    run(0)  # warm up
    with CaptureQueriesContext(connection) as queries:
        run(1)
    print(f"{args.path}: {len(queries.captured_queries)} queries per round")
    counts: dict[str, int] = {}
    for query in queries.captured_queries:
        key = query["sql"][:110]
        counts[key] = counts.get(key, 0) + 1
    for sql, n in sorted(counts.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {n:3d} x {sql}")
    profiler = Profiler(interval=0.0005)
    start = time.perf_counter()
    with profiler:
        for i in range(args.n):
            run(i)
    took = time.perf_counter() - start
    print(f"{args.n} rounds in {took:.2f} s: {took / args.n * 1000:.2f} ms each")
    print(
        profiler.output_text(
            unicode=True,
            color=False,
            show_all=os.environ.get("PROFILE_ALL") == "1",
            flat=os.environ.get("PROFILE_FLAT") == "1",
        )
    )
    if args.html:
        args.html.write_text(profiler.output_html())


if __name__ == "__main__":
    main()
