"""Loading the URLs (every process: web workers, the worker, each command) does not
load pyHanko or reportlab: together they took about a second, and only signing,
verifying and drawing a PDF need them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CHECK = """
import sys
import django
django.setup()
import tinhso.root.urls
heavy = sorted(m for m in ("pyhanko", "reportlab") if m in sys.modules)
assert not heavy, f"importing tinhso.root.urls imported {heavy}"
"""


def _run(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tinhso.settings_test"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_importing_the_urls_loads_neither_pyhanko_nor_reportlab():
    result = _run(CHECK)
    assert result.returncode == 0, result.stderr


def test_the_pades_package_loads_pyhanko_only_when_used():
    result = _run(
        "import sys\n"
        "from tinhso.signing import pades\n"
        "pades.make_pki\n"
        "assert 'pyhanko' not in sys.modules, 'the PKI alone loaded pyHanko'\n"
        "pades.verify_pdf\n"
        "assert 'pyhanko' in sys.modules\n"
    )
    assert result.returncode == 0, result.stderr
