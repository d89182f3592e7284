"""Benchmark of the public verifier's worst case: a signed one-page PDF whose AcroForm
lists its one signature field 1,000 times (issue 15, finding 4), before and after
the limits.

    .venv/bin/python bench/verifier.py
    FIELDS=5000 .venv/bin/python bench/verifier.py

(a) before: pyHanko's own enumeration (`reader.embedded_regular_signatures`: one
    signature per entry of /Fields), in the server's process, as the verifier ran;
(b) after, in-process: `pades.verify_pdf` with `signing/limits.py` (each field and
    signature once, capped);
(c) after, as /api/v1/verify and /xac-thuc/ run it: `signing.sandbox.verify`, a
    process of its own with VERIFY_CPU_SECONDS of CPU;
(d) the bound for anything the caps do not foresee: a check that never ends, stopped
    by the CPU limit;
(e) for reference, an ordinary signed PDF in-process and in the sandbox (the cost of
    the sandbox itself).

CPU seconds are the process's own (and its children's, once they ended). Prints
numbers; asserts nothing.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("TINHSO_VAR_DIR", tempfile.mkdtemp(prefix="tinhso-bench-verifier-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from tinhso.signing import limits, pades, sandbox  # noqa: E402

# The attack file is built as the tests build it (one definition).
from tinhso.signing.tests.test_verifier_limits import repeat_signature_field  # noqa: E402

FONT = ROOT / "tinhso" / "static" / "fonts" / "DejaVuSans.ttf"
FIELDS = int(os.environ.get("FIELDS", "1000"))


def one_page_pdf() -> bytes:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("DejaVuSans", 14)
    page.drawString(72, 760, "GIẤY PHÉP LÁI XE — cấp đổi")
    page.showPage()
    page.save()
    return out.getvalue()


def burn(seconds: float) -> None:
    """Spin on the CPU (in the sandbox's process)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def measure(label: str, fn, *, boxed: bool = False) -> object:
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    # A sandboxed check's CPU is its own process's (a child of the fork server, not ours).
    spent = "   (its own process)" if boxed else f"{cpu:7.2f} s CPU here"
    print(f"{label:62} {wall:7.2f} s wall {spent}")
    return result


def describe(verdict) -> str:
    problem = verdict.problems[0] if verdict.problems else ""
    return f"signatures={verdict.signatures} valid={verdict.valid} {problem[:70]}"


def main() -> None:
    logging.disable(logging.WARNING)
    pki = pades.make_pki(province_name="Quảng Ninh", crl_url="https://tinhso.example/crl")
    key_pem, cert_pem = pades.issue_signer_certificate(
        pki, common_name="Lê Quang Huy", organisation="Sở Tư pháp tỉnh Quảng Ninh", email=""
    )
    crl = pades.make_crl(pki, revoked=[])
    signed = pades.sign_pdf(
        one_page_pdf(), signer_key_pem=key_pem, signer_cert_pem=cert_pem, pki=pki,
        stamp_lines=["Ký bởi: Lê Quang Huy"], qr_url="https://tinhso.example/xac-thuc/",
        font_path=str(FONT), reason="bench", location="Hạ Long", embed_crl=crl,
    )  # fmt: skip
    attack = repeat_signature_field(signed, FIELDS)
    roots = [pki.to_pem_files()["root.crt"]]
    options = {"trust_roots_pem": roots, "crls_der": [crl], "max_bytes": 20_000_000}
    print(f"signed PDF {len(signed):,} bytes; attack ({FIELDS:,} entries) {len(attack):,} bytes")
    print(
        f"limits: {limits.max_signatures()} signatures, {limits.max_field_entries():,} field "
        f"entries, {sandbox.cpu_seconds()} CPU s per check "
        f"(VERIFY_CPU_SECONDS={getattr(settings, 'VERIFY_CPU_SECONDS', '-')})\n"
    )

    def pyhanko_enumeration(reader):  # what pades did before limits.py
        return list(reader.embedded_regular_signatures)

    with mock.patch.object(limits, "regular_signatures", pyhanko_enumeration):
        before = measure(
            "(a) before: pyHanko's enumeration, in-process",
            lambda: pades.verify_pdf(attack, **options),
        )
    print("    " + describe(before))
    after = measure("(b) after: limits, in-process", lambda: pades.verify_pdf(attack, **options))
    print("    " + describe(after))
    measure(
        "    (the sandbox's fork server starts: once per server process)",
        lambda: sandbox.run_limited(len, b"", cpu_seconds=5),
        boxed=True,
    )
    boxed = measure(
        "(c) after: limits + sandbox (as the public verifier)",
        lambda: sandbox.verify(attack, **options),
        boxed=True,
    )
    print("    " + describe(boxed))

    def never_ending():
        try:
            sandbox.run_limited(burn, 3600, cpu_seconds=sandbox.cpu_seconds())
        except sandbox.TooCostly:
            return "stopped"
        return "finished"

    stopped = measure("(d) a check that never ends, in the sandbox", never_ending, boxed=True)
    print(f"    {stopped} (bound: {sandbox.cpu_seconds()} CPU s)")
    measure("(e) an ordinary signed PDF, in-process", lambda: pades.verify_pdf(signed, **options))
    measure(
        "(e') an ordinary signed PDF, in the sandbox",
        lambda: sandbox.verify(signed, **options),
        boxed=True,
    )
    # Each sandboxed process runs the parent's main module again (multiprocessing's
    # rule): this script's imports here, the `tinhso` console script under gunicorn.
    measure(
        "(f) the sandbox alone (an empty task)",
        lambda: sandbox.run_limited(len, b"", cpu_seconds=5),
        boxed=True,
    )


if __name__ == "__main__":
    main()
