"""Faults: while citizens submit dossiers (create, papers, submit; every POST with an
Idempotency-Key, retried with the same key until it is answered), this kills one
gunicorn worker (-9), kills the whole server (-9) and starts it again, restarts
PostgreSQL once (a few seconds), and fills the disk that holds uploaded files. Then
it checks that every submission the server acknowledged (201/200) is there, once,
with every paper (file present, same size and SHA-256 as sent), and that the audit
chain verifies.

    .venv/bin/python bench/faults/run.py [--duration 45] [--clients 6] [--no-postgres]

Runs as root (it mounts a small tmpfs over the upload directory and restarts the
local PostgreSQL cluster, shared with others: one short restart per run). Own
database (FAULTS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/tinhso_faults)
and var directory (/tmp/tinhso-faults-var). Exits 1 on any loss or duplicate.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "load"))

from run import ensure_database, prepare, server_env, stop, wait_ready  # noqa: E402

PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/tinhso_faults"
FILES_MB = 24  # the upload disk (a tmpfs), filled on purpose in one phase


@dataclass
class Ledger:
    """What the server acknowledged, as the client saw it."""

    created: dict[str, str] = field(default_factory=dict)  # create key -> dossier code
    papers: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)
    retries: int = 0
    abandoned: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, status: int | str) -> None:
        with self.lock:
            self.statuses[status] += 1


class Client:
    def __init__(self, port: int, token: str, ledger: Ledger, deadline: float):
        self.port, self.token, self.ledger, self.deadline = port, token, ledger, deadline

    def post(self, path: str, body: bytes, content_type: str, key: str) -> tuple[int, dict]:
        """POST until answered with a 2xx or 4xx (same key every time)."""
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={
                        "Authorization": f"Bearer {self.token}",
                        "Content-Type": content_type,
                        "Idempotency-Key": key,
                        "Connection": "close",
                    },
                )
                response = conn.getresponse()
                status, raw = response.status, response.read()
                conn.close()
            except (OSError, http.client.HTTPException) as exc:
                status, raw = type(exc).__name__, b""
            self.ledger.saw(status)
            if isinstance(status, int) and status < 500:
                return status, json.loads(raw or b"{}")
            if time.monotonic() > self.deadline:
                with self.ledger.lock:
                    self.ledger.abandoned += 1
                return 0, {}
            with self.ledger.lock:
                self.ledger.retries += 1
            time.sleep(random.uniform(0.2, 0.8))  # noqa: S311 (jitter)


def paper_bytes() -> bytes:
    """A small valid PDF, different each time (so every stored file can be told apart)."""
    noise = os.urandom(random.randint(200, 6000)).hex().encode()  # noqa: S311
    return b"%PDF-1.4\n% " + noise + b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n" \
        b"<< /Root 1 0 R >>\n%%EOF\n"  # fmt: skip


def multipart(kind: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="giay.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def submitter(client: Client, ctx: dict, stop_at: float, run_id: str) -> None:
    ledger = client.ledger
    while time.monotonic() < stop_at:
        key = f"{run_id}-{uuid.uuid4().hex[:12]}"
        data = dict(ctx["data"], dia_chi=f"faults {key}")  # each dossier carries its key
        status, body = client.post(
            "/api/v1/dossiers",
            json.dumps({"procedure": ctx["procedure"], "data": data}).encode(),
            "application/json",
            f"{key}-create",
        )
        if status != 201:
            continue
        code = body["code"]
        with ledger.lock:
            ledger.created[key] = code
        complete = True
        for kind in ctx["papers"]:
            content = paper_bytes()
            payload, ctype = multipart(kind, content)
            status, _ = client.post(
                f"/api/v1/dossiers/{code}/documents", payload, ctype, f"{key}-{kind}"
            )
            while status == 507 and time.monotonic() < client.deadline:
                time.sleep(1)  # the disk is full: the same request later
                status, _ = client.post(
                    f"/api/v1/dossiers/{code}/documents", payload, ctype, f"{key}-{kind}"
                )
            if status != 201:
                complete = False
                break
            with ledger.lock:
                ledger.papers[(code, kind)] = (len(content), hashlib.sha256(content).hexdigest())
        if complete:
            status, _ = client.post(
                f"/api/v1/dossiers/{code}/actions/submit", b"{}", "application/json",
                f"{key}-submit",
            )  # fmt: skip
            if status == 200:
                with ledger.lock:
                    ledger.submitted.add(code)


class Server:
    def __init__(self, env: dict, port: int, workers: int, log: Path):
        self.env, self.port, self.workers, self.log = env, port, workers, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "tinhso"), "serve", "--port", str(self.port),
             "--workers", str(self.workers)],
            env=self.env, cwd=ROOT, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_ready(f"http://127.0.0.1:{self.port}/healthz")

    def workers_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(x) for x in out.stdout.split()]

    def kill_all(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class Worker:
    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "tinhso"), "worker", "--concurrency", "2"],
            env=self.env, cwd=ROOT, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def kill_all(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def verify_notifications(env: dict, ledger: Ledger, sms_file: Path) -> bool:
    """Each acknowledged submission told its applicant once (the SMS of `submit`):
    the worker was killed -9 meanwhile, so delivery is at least once; a message sent
    twice is possible only if the kill fell between the send and its commit."""
    script = """
import json, sys
from tinhso.notifications.models import Notification
codes = json.loads(sys.stdin.read())
out = {}
for code in codes:
    rows = list(Notification.objects.filter(subject__startswith=f"Hồ sơ {code}:")
                .values_list("delivered_at", "sms_sent_at"))
    out[code] = [[str(a) if a else None, str(b) if b else None] for a, b in rows]
json.dump(out, sys.stdout)
"""
    deadline = time.monotonic() + 90
    while True:
        out = subprocess.run(
            [str(Path(PY).parent / "tinhso"), "shell", "-c", script],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True,
            input=json.dumps(sorted(ledger.submitted)),
        )  # fmt: skip
        found = json.loads(out.stdout[out.stdout.index("{") :])
        pending = [c for c, rows in found.items() if not rows or any(r[1] is None for r in rows)]
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(3)
    sent = Counter()
    if sms_file.exists():
        for line in sms_file.read_text(encoding="utf-8").splitlines():
            text = line.split("\t", 1)[1]
            if text.startswith("Hồ sơ ") and "Đã nộp" in text:  # the `submit` notification
                sent[text.split(":", 1)[0].removeprefix("Hồ sơ ").strip()] += 1
    never = [c for c in ledger.submitted if sent[c] == 0]
    twice = {c: n for c, n in sent.items() if n > 1 and c in ledger.submitted}
    print(f"notifications: {len(ledger.submitted)} submissions, "
          f"{sum(1 for c in ledger.submitted if sent[c])} told by SMS, "
          f"{len(pending)} still pending after 90 s, {len(twice)} sent twice")  # fmt: skip
    print(f"  {'ok  ' if not never and not pending else 'FAIL'} every acknowledged "
          "submission's SMS was sent (through the killed and restarted worker)")  # fmt: skip
    if never or pending:
        print(f"    never sent: {never[:10]} pending: {pending[:10]}")
    if twice:
        print(f"    sent twice (a kill between send and commit): {list(twice.items())[:10]}")
    return not never and not pending


def mount_files(files: Path) -> None:
    """A new, empty upload disk for this run: the last run's tmpfs, full of its papers
    (a second run found it full and every upload answered 507), is let go first."""
    files.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["mountpoint", "-q", str(files)]).returncode == 0:
        subprocess.run(["umount", str(files)], check=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={FILES_MB}m,mode=0700", "tmpfs", str(files)],
        check=True,
    )


def fill(files: Path) -> Path:
    """Take every free byte of the upload disk."""
    filler = files / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1 << 9):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def restart_postgres() -> float:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    t = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )
    for _ in range(60):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            break
        time.sleep(0.2)
    return time.monotonic() - t


def log(t0: float, message: str) -> None:
    print(f"  [{time.monotonic() - t0:5.1f} s] {message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=45, help="seconds of submissions")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8810)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL restart")
    parser.add_argument(
        "--broker",
        default="",
        help="e.g. amqp://guest:guest@127.0.0.1:5672// : notifications go through a Celery "
        "worker, which is killed -9 and restarted too; each submission's SMS is then checked",
    )
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: it mounts a tmpfs and restarts PostgreSQL")

    database_url = os.environ.get("FAULTS_DATABASE_URL", DEFAULT_DB)
    var_dir = Path(os.environ.get("FAULTS_VAR_DIR", "/tmp/tinhso-faults-var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    files = var_dir / "files"
    mount_files(files)
    ensure_database(database_url)
    env = server_env(database_url, var_dir)
    ctx = prepare(env)
    run_id = f"f{int(time.time())}"
    worker = None
    if args.broker:
        sms_file = var_dir / f"sms-{run_id}.log"
        env.update(
            BROKER_URL=args.broker,
            JOBS_QUEUE=f"tinhso-faults-{run_id}",
            JOBS_VISIBILITY_TIMEOUT="10",
            SMS_SENDER="sms.FileSms",
            FAULTS_SMS_FILE=str(sms_file),
            PYTHONPATH=str(HERE),
        )
        worker = Worker(env, var_dir / "worker.log")
        worker.start()
    server = Server(env, args.port, args.workers, var_dir / "server.log")
    server.start()
    ledger = Ledger()
    t0 = time.monotonic()
    stop_at = t0 + args.duration
    client_deadline = stop_at + 60  # retries of requests under way may run on
    threads = [
        threading.Thread(
            target=submitter,
            args=(
                Client(args.port, ctx["citizen_token"], ledger, client_deadline),
                ctx,
                stop_at,
                run_id,
            ),
            daemon=True,
        )  # fmt: skip
        for _ in range(args.clients)
    ]
    print(f"{args.clients} clients submitting for {args.duration} s against tinhso serve "
          f"({args.workers} workers) on {database_url.rsplit('/', 1)[-1]}")  # fmt: skip
    for t in threads:
        t.start()
    full_507 = 0
    try:
        span = args.duration
        time.sleep(span * 0.12)
        victim = random.choice(server.workers_pids())  # noqa: S311
        os.kill(victim, signal.SIGKILL)
        log(t0, f"kill -9 gunicorn worker {victim}")
        if worker is not None:
            worker.kill_all()
            log(t0, "kill -9 the Celery worker (all its processes)")
            time.sleep(2)
            worker.start()
            log(t0, "Celery worker started again")

        time.sleep(span * 0.16)
        server.kill_all()
        log(t0, "kill -9 the whole server (master and workers)")
        time.sleep(1)
        server.start()
        log(t0, "server started again")

        time.sleep(span * 0.16)
        if not args.no_postgres:
            took = restart_postgres()
            log(t0, f"PostgreSQL restarted ({took:.1f} s)")

        time.sleep(span * 0.16)
        before = ledger.statuses[507]
        filler = fill(files)
        log(t0, f"upload disk full ({filler.stat().st_size // 1024} KiB of filler)")
        time.sleep(span * 0.12)
        filler.unlink()
        full_507 = ledger.statuses[507] - before
        log(t0, f"upload disk freed ({full_507} answers 507 meanwhile)")
    finally:
        for t in threads:
            t.join(timeout=max(1, client_deadline - time.monotonic() + 5))
        stop(server.proc)

    ok = verify(env, ctx, ledger, files, run_id)
    if worker is not None:
        ok = verify_notifications(env, ledger, sms_file) and ok
        stop(worker.proc)
    print()
    print("responses seen: " + ", ".join(f"{k}: {v}" for k, v in sorted(
        ledger.statuses.items(), key=lambda kv: str(kv[0]))))  # fmt: skip
    print(f"retries: {ledger.retries}, requests abandoned after the deadline: {ledger.abandoned}")
    sys.exit(0 if ok else 1)


def verify(env: dict, ctx: dict, ledger: Ledger, files: Path, run_id: str) -> bool:
    script = f"""
import json, sys
from tinhso.dossiers.models import Dossier, DossierDocument
rows = list(Dossier.objects.filter(data__dia_chi__startswith="faults {run_id}-")
            .values("code", "status", "data__dia_chi"))
docs = list(DossierDocument.objects.filter(dossier__code__in=[r["code"] for r in rows],
            replaced_at__isnull=True).values("dossier__code", "kind", "file_path", "size", "sha256"))
json.dump({{"rows": rows, "docs": docs}}, sys.stdout, default=str)
"""
    out = subprocess.run(
        [str(Path(PY).parent / "tinhso"), "shell", "-c", script],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = json.loads(out.stdout[out.stdout.index("{") :])
    by_key = Counter(r["data__dia_chi"].split(" ", 1)[1] for r in found["rows"])
    codes = {r["code"]: r for r in found["rows"]}
    docs = {(d["dossier__code"], d["kind"]): d for d in found["docs"]}

    lost_dossiers = [c for c in ledger.created.values() if c not in codes]
    duplicates = {k: n for k, n in by_key.items() if n > 1}
    lost_papers, wrong_papers, missing_files = [], [], []
    for (code, kind), (size, sha) in ledger.papers.items():
        doc = docs.get((code, kind))
        if doc is None:
            lost_papers.append((code, kind))
            continue
        if (doc["size"], doc["sha256"]) != (size, sha):
            wrong_papers.append((code, kind))
        path = files / doc["file_path"]
        if not path.exists():
            missing_files.append(str(path))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            wrong_papers.append((code, kind, "file differs"))
    not_submitted = [c for c in ledger.submitted if codes.get(c, {}).get("status") == "draft"]
    unacknowledged = len(codes) - len(set(ledger.created.values()))
    audit = subprocess.run(
        [str(Path(PY).parent / "tinhso"), "audit_verify"], env=env, cwd=ROOT,
        capture_output=True, text=True,
    )  # fmt: skip

    print()
    print(f"acknowledged: {len(ledger.created)} dossiers, {len(ledger.papers)} papers, "
          f"{len(ledger.submitted)} submissions")  # fmt: skip
    print(f"in the database: {len(codes)} dossiers of this run "
          f"({unacknowledged} committed but never acknowledged to the client)")  # fmt: skip
    checks = {
        "every acknowledged dossier exists": not lost_dossiers,
        "no dossier exists twice": not duplicates,
        "every acknowledged paper is there": not lost_papers,
        "papers have the size and SHA-256 sent": not wrong_papers,
        "every paper's file is on disk": not missing_files,
        "every acknowledged submission is submitted": not not_submitted,
        "audit_verify passes": audit.returncode == 0,
    }
    for name, passed in checks.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {name}")
    for label, items in (("lost dossiers", lost_dossiers), ("duplicates", duplicates),
                         ("lost papers", lost_papers), ("wrong papers", wrong_papers),
                         ("missing files", missing_files), ("not submitted", not_submitted)):  # fmt: skip
        if items:
            print(f"    {label}: {list(items)[:10]}")
    if audit.returncode != 0:
        print("    " + (audit.stdout + audit.stderr).strip()[-500:])
    else:
        print("    " + audit.stdout.strip().splitlines()[-1] if audit.stdout.strip() else "")
    return all(checks.values())


if __name__ == "__main__":
    main()
