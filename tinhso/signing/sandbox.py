"""The public verifier's checks run in a process of their own with a CPU-time limit.

Anyone may send a PDF to /api/v1/verify and /xac-thuc/, and what a crafted PDF asks
of the parser and of pyHanko's validation cannot all be foreseen (`limits.py` caps
what we know of: repeated fields, many signatures). So each check runs in a child
process whose CPU time is capped by the kernel (RLIMIT_CPU, VERIFY_CPU_SECONDS):
past it the child is killed and the person is told the file is too costly to check.
No request holds a server worker's CPU longer than that, whatever the file.

The children come from a fork server (multiprocessing's "forkserver") that has
imported Django and pyHanko once (`sandbox_boot`): a check costs a fork, not an
interpreter start, and the server's own threads are never forked. VERIFY_CONCURRENCY
checks run at once per server process; more wait for a free slot for as long as one
check may take, then are refused as busy."""

from __future__ import annotations

import logging
import multiprocessing
import resource
import threading
from collections.abc import Callable
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import limits, pades

logger = logging.getLogger("tinhso.signing")

CPU_SECONDS = 5
CONCURRENCY = 2
_BOOT_MODULE = "tinhso.signing.sandbox_boot"

_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None
_slots: threading.BoundedSemaphore | None = None


class TooCostly(Exception):
    """The check used up its CPU time (or its process died): no answer."""


class Busy(Exception):
    """Every slot for checks in this server process stayed taken."""


def cpu_seconds() -> int:
    return max(1, int(getattr(settings, "VERIFY_CPU_SECONDS", CPU_SECONDS)))


def _ctx() -> multiprocessing.context.BaseContext:
    global _context, _slots
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload([_BOOT_MODULE])
            _context = ctx
            _slots = threading.BoundedSemaphore(
                int(getattr(settings, "VERIFY_CONCURRENCY", CONCURRENCY))
            )
        return _context


def _child(conn, cpu: int, language: str, fn: Callable, args: tuple) -> None:
    # Soft limit: SIGXCPU, which ends the process; the hard one a second later: SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if not apps.ready:  # the fork server could not preload (another tree on sys.path)
        django.setup()
    if language:
        translation.activate(language)
    conn.send(fn(*args))
    conn.close()


def run_limited(fn: Callable, *args: Any, cpu_seconds: int) -> Any:
    """`fn(*args)` in a child process with `cpu_seconds` of CPU; its result (pickled),
    or TooCostly when it ran out of time or died. `fn` must be importable by name."""
    ctx = _ctx()
    assert _slots is not None  # noqa: S101 - set with the context
    wall = cpu_seconds * 3 + 5  # CPU time, plus the machine being busy with others
    if not _slots.acquire(timeout=wall):
        raise Busy
    try:
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(
            target=_child,
            args=(send, cpu_seconds, translation.get_language() or "", fn, args),
            daemon=True,
        )
        child.start()
        send.close()
        try:
            if not receive.poll(wall):
                raise TooCostly
            return receive.recv()
        except EOFError:  # the child died (the CPU limit, or memory): no answer
            raise TooCostly from None
        finally:
            receive.close()
            child.join(1)
            if child.is_alive():
                child.kill()
                child.join()
    finally:
        _slots.release()


def _verify_pdf(pdf, trust_roots_pem, crls_der, max_bytes, caps: dict) -> pades.Verification:
    for name, value in caps.items():  # this server's caps (this process checks one file)
        setattr(settings, name, value)
    return pades.verify_pdf(
        pdf, trust_roots_pem=trust_roots_pem, crls_der=crls_der, max_bytes=max_bytes
    )


def verify(pdf: bytes, *, trust_roots_pem, crls_der, max_bytes: int) -> pades.Verification:
    """`pades.verify_pdf` within the CPU limit; a refusal, as a verdict, past it."""
    seconds = cpu_seconds()
    try:
        caps = {"VERIFY_MAX_SIGNATURES": limits.max_signatures(),
                "VERIFY_MAX_FIELDS": limits.max_field_entries()}  # fmt: skip
        return run_limited(
            _verify_pdf, pdf, trust_roots_pem, crls_der, max_bytes, caps, cpu_seconds=seconds
        )
    except TooCostly:
        logger.warning("verification stopped after %s CPU seconds (%s bytes)", seconds, len(pdf))
        problem = _(
            "Tệp quá phức tạp để kiểm tra (vượt quá %(seconds)s giây xử lý): không kiểm tra "
            "tệp này. Văn bản có chữ ký số thông thường được kiểm tra trong chưa đầy một giây."
        ) % {"seconds": seconds}
    except Busy:
        problem = _("Hệ thống đang kiểm tra nhiều tệp khác. Vui lòng thử lại sau ít phút.")
    except OSError:  # no process could be started (a limit of the machine)
        logger.exception("verification process could not start")
        problem = _("Không kiểm tra được tệp lúc này. Vui lòng thử lại sau ít phút.")
    return pades.Verification(
        valid=False,
        signer="",
        signed_at=None,
        timestamped_at=None,
        modified=False,
        trusted=False,
        revoked=False,
        problems=[problem],
        signatures=0,
    )
