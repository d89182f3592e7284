"""Load: `tinhso serve` (gunicorn, WORKERS workers) on a PostgreSQL database of its
own, driven over loopback by wrk (Lua scripts), path by path, against a bare Django
hello view served the same way (bench/load/hello.py) as the baseline.

    .venv/bin/python bench/load/run.py --workers 2 --duration 20
    .venv/bin/python bench/load/run.py --only search_api,submission --duration 10

Serves the code of the checkout it is run from (PYTHONPATH), so the same script run
from a copy of main (`git archive main | tar -x -C /tmp/base`, then copy this file
there) measures "before". The table gives each path's ratio to hello measured in the
same run and the aim of issue 18 (met / NOT met): on a shared machine only the ratios
mean something.

Needs wrk (`apt-get install -y wrk`) and a PostgreSQL reachable as
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tinhso_load; the database is
created and bootstrapped with demo data when missing). Prints one line per path:
requests/s, p50, p99, the throughput ratio to hello, errors. Asserts nothing; exits 1
if any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/tinhso_load"

# Aims of issue 18 (throughput as a share of hello's, measured in the same run).
AIMS = {
    "search_api": 0.6,
    "search_page": 0.5,
    "procedure_page": 0.4,
    "procedure_api": 0.4,
    "tracking": 0.3,
    "tracking_page": 0.3,
    "officer_queue": 0.15,
    "my_dossiers": 0.2,
    "submission": 0.1,
}
# The public tracking page's CSRF secret (a cookie and the form's field, as a browser
# sends them after loading the form): any 32 letters and digits will do.
CSRF_SECRET = "tinhsoLoadBench0123456789abcdefg"
SUBMISSIONS_PER_S = 50  # whole submissions (draft, papers, submit) per second


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in {"", "tinhso", "postgres"}:
        raise SystemExit(f"use a database of the bench's own, not {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    import psycopg

    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "TINHSO_TESTING", "DEBUG", "BROKER_URL", "REDIS_URL"}
    }
    env.update(
        DATABASE_URL=database_url,
        TINHSO_VAR_DIR=str(var_dir),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_HTTPS="0",  # plain http on loopback; production sits behind TLS
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="tinhso.settings",
        # the code of this checkout, not whatever the virtualenv's editable install points at
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def prepare(env: dict[str, str]) -> dict:
    out = sh([PY, str(HERE / "prepare.py")], env=env, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (loopback)
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not come up")


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        env=env,
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def wrk(
    base: str, script: str, *, duration: int, connections: int, threads: int, env: dict[str, str]
) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
           "-s", str(HERE / script), base]  # fmt: skip
    out = subprocess.run(cmd, env={**os.environ, **env}, text=True, capture_output=True)
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")
    result = json.loads(line[7:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "4")))
    parser.add_argument("--duration", type=int, default=20, help="seconds per path")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--only", default="", help="comma-separated path names")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    database_url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB)
    var_dir = Path(os.environ.get("LOAD_VAR_DIR", "/tmp/tinhso-load-var"))
    if args.fresh:
        drop_database(database_url)
        shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True, exist_ok=True)
    ensure_database(database_url)
    env = server_env(database_url, var_dir)
    env["THREADS"] = str(args.threads)
    t0 = time.monotonic()
    ctx = prepare(env)
    print(f"database ready in {time.monotonic() - t0:.0f} s: {ctx['dossiers']} dossiers, "
          f"{len(ctx['procedures'])} procedures ({database_url.rsplit('/', 1)[-1]})")  # fmt: skip

    log = var_dir / "server.log"
    hello_port, app_port = args.port + 1, args.port
    hello = start([PY, str(HERE / "hello.py"), "--port", str(hello_port),
                   "--workers", str(args.workers)], env, log)  # fmt: skip
    app = start([str(Path(PY).parent / "tinhso"), "serve", "--port", str(app_port),
                 "--workers", str(args.workers)], env, log)  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{hello_port}/bench/hello")
        wait_ready(f"http://127.0.0.1:{app_port}/healthz")
        results = run_paths(args, ctx, hello_port, app_port)
    finally:
        stop(app)
        stop(hello)
    report(args, results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if any(r["errors"] or r["socket_errors"] for r in results.values()):
        sys.exit(1)


def run_paths(args, ctx: dict, hello_port: int, app_port: int) -> dict[str, dict]:
    base = f"http://127.0.0.1:{app_port}"
    queries = ctx["queries"]
    codes = ctx["procedures"]
    citizen = f"Authorization: Bearer {ctx['citizen_token']}"
    officer = f"Authorization: Bearer {ctx['officer_token']}"
    plan = {
        "hello": (f"http://127.0.0.1:{hello_port}", "get.lua", {"PATHS": "/bench/hello"}),
        "healthz": (base, "get.lua", {"PATHS": "/healthz"}),
        "search_api": (base, "get.lua", {
            "PATHS": "\n".join(f"/api/v1/procedures?q={quote(q)}" for q in queries)}),
        "search_page": (base, "get.lua", {
            "PATHS": "\n".join(f"/thu-tuc/?q={quote(q)}" for q in queries),
            "HEADERS": "HX-Request: true"}),
        "procedure_page": (base, "get.lua", {
            "PATHS": "\n".join(f"/thu-tuc/{c}/" for c in codes)}),
        "procedure_api": (base, "get.lua", {
            "PATHS": "\n".join(f"/api/v1/procedures/{c}" for c in codes)}),
        "tracking": (base, "get.lua", {
            "PATHS": "\n".join(f"/api/v1/tracking?code={c}&last4={ctx['last4']}"
                               for c in ctx["tracked"])}),
        # the form's lookup, as a browser posts it (the digits never go in an address):
        # a CSRF cookie and the same secret in the form, as Django takes them
        "tracking_page": (base, "get.lua", {
            "PATHS": "/tra-cuu/", "HEADERS": f"Cookie: csrftoken={CSRF_SECRET}",
            "BODIES": "\n".join(f"csrfmiddlewaretoken={CSRF_SECRET}&ma={c}&so={ctx['last4']}"
                                for c in ctx["tracked"])}),
        "officer_queue": (base, "get.lua", {"PATHS": "/api/v1/queue", "HEADERS": officer}),
        "my_dossiers": (base, "get.lua", {"PATHS": "/api/v1/dossiers", "HEADERS": citizen}),
        "submission": (base, "submit.lua", {
            "TOKEN": ctx["submitter_token"], "PROCEDURE": ctx["procedure"],
            "DATA": json.dumps(ctx["data"], ensure_ascii=False),
            "PAPERS": ",".join(ctx["papers"]), "RUN": str(int(time.time()))}),
    }  # fmt: skip
    only = [x for x in args.only.split(",") if x]
    if only:
        plan = {k: v for k, v in plan.items() if k == "hello" or k in only}
    # hello once more at the end: the machine is shared, its load drifts during a run;
    # the baseline is the mean of the two.
    plan["hello_end"] = plan["hello"]
    results = {}
    for name, (url, script, extra) in plan.items():
        conns = args.connections
        threads = args.wrk_threads
        if script == "submit.lua":
            threads = conns  # one connection per wrk thread: a submission is a sequence
        port = int(url.rsplit(":", 1)[1])
        spread: list[list[int]] = []
        look = threading.Timer(args.duration / 2, _look, args=(port, spread))
        look.start()
        results[name] = wrk(url, script, duration=args.duration, connections=conns,
                            threads=threads, env=extra)  # fmt: skip
        look.join()
        r = results[name]
        r["spread"] = spread[0] if spread else []
        print(f"  {name:<15} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  "
              f"p99 {r['p99_ms']:7.1f} ms  errors {r['errors'] + r['socket_errors']}",
              flush=True)  # fmt: skip
    first, last = results.pop("hello"), results.pop("hello_end")
    results = {
        "hello": {
            **first,
            "rps": (first["rps"] + last["rps"]) / 2,
            "p50_ms": (first["p50_ms"] + last["p50_ms"]) / 2,
            "p99_ms": max(first["p99_ms"], last["p99_ms"]),
            "errors": first["errors"] + last["errors"],
            "socket_errors": first["socket_errors"] + last["socket_errors"],
            "first_rps": first["rps"],
            "last_rps": last["rps"],
        },
        **results,
    }
    return results


def _look(port: int, into: list[list[int]]) -> None:
    into.append(connections_by_worker(port))


def connections_by_worker(port: int) -> list[int]:
    """How wrk's kept-alive connections are spread over the server's workers (largest
    first), read with `ss`; [] when it cannot tell. A kept-alive connection stays with
    the worker that took it until it is dealt again (`tinhso serve`: its age,
    KEEPALIVE_SECONDS): a path whose connections landed 13/3 runs the busy worker at
    its one core and the other below it. A connection being dealt again at that
    moment is counted nowhere, so the numbers may sum to less than the connections."""
    try:
        out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                             capture_output=True, text=True, timeout=5).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", out):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def report(args, results: dict[str, dict]) -> None:
    hello = results["hello"]["rps"]
    print()
    print(f"hello: {results['hello']['first_rps']:.0f} req/s first, "
          f"{results['hello']['last_rps']:.0f} req/s last; the baseline is their mean")  # fmt: skip
    print(f"gunicorn {args.workers} workers x {args.threads} threads, wrk {args.connections} "
          f"connections, {args.duration} s per path, {os.cpu_count()} cores (shared with wrk "
          "and PostgreSQL)")  # fmt: skip
    print(f"{'path':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'x hello':>9}{'errors':>8}"
          f"{'spread':>8}  aim")  # fmt: skip
    for name, r in results.items():
        ratio = r["rps"] / hello
        aim = AIMS.get(name)
        verdict = "" if aim is None else f"≥ {aim}: {'met' if ratio >= aim else 'NOT met'}"
        spread = "/".join(map(str, r.get("spread") or [])) or "?"
        print(f"{name:<16}{r['rps']:9.1f}{r['p50_ms']:9.1f}{r['p99_ms']:9.1f}{ratio:9.2f}"
              f"{r['errors'] + r['socket_errors']:8d}{spread:>8}  {verdict}")  # fmt: skip
    if "submission" in results:
        s = results["submission"]
        per_s = s["submissions"] / s["seconds"]
        verdict = "met" if per_s >= SUBMISSIONS_PER_S else "NOT met"
        print(f"  submission: {s['submissions']} dossiers created, papered and submitted "
              f"({per_s:.1f} whole submissions/s, 4 requests each; aim ≥ {SUBMISSIONS_PER_S}: "
              f"{verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
