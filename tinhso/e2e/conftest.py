"""End-to-end: the real server (`tinhso bootstrap --demo` then `tinhso serve`) on a
fresh var directory, driven by Debian's Chromium through Playwright (never a
browser download). Run with `pytest -m e2e`; `make test` does."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """(base URL, demo passwords) of a freshly bootstrapped server."""
    var = tmp_path_factory.mktemp("e2e-var")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TINHSO_TESTING"}},
        "DJANGO_SETTINGS_MODULE": "tinhso.settings",
        "TINHSO_VAR_DIR": str(var),
        "DEBUG": "1",
        "PORT": str(port),
        "WORKERS": "2",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    cli = [sys.executable, "-m", "tinhso.cli"]
    boot = subprocess.run(
        [*cli, "bootstrap", "--demo"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert boot.returncode == 0, boot.stderr
    passwords = dict(re.findall(r"demo account (\w+)\s+\(\w+\) password: (\S+)", boot.stdout))
    otp = dict(re.findall(r"otpauth://totp/tinhso%3A(\w+)\?secret=(\w+)", boot.stdout))
    log = (var / "server.log").open("w")
    proc = subprocess.Popen([*cli, "serve"], env=env, cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):  # up to a minute on a loaded machine
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 (loopback)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server did not start: " + (var / "server.log").read_text())

    def tinhso(*args: str) -> str:
        """A CLI command against this server's database (the bank's statement, say)."""
        done = subprocess.run(
            [*cli, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    yield base, {"passwords": passwords, "otp": otp, "tinhso": tinhso}
    proc.terminate()
    try:  # workers finish their requests first; a loaded machine may take a while
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


SCREENSHOTS = ROOT / "var" / "e2e-screenshots"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, a PNG of every page still open, named in the report."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    browser = item.funcargs.get("browser")
    pages = list(item.funcargs["page"].context.pages) if "page" in item.funcargs else []
    if browser is not None:
        pages += [p for context in browser.contexts for p in context.pages if p not in pages]
    saved = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.name)[:80]
    for n, page in enumerate(pages, start=1):
        path = SCREENSHOTS / f"{name}-{n}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as exc:  # a closed page or a crashed browser: say so, go on
            saved.append(f"(page {n}: no screenshot: {exc})")
        else:
            saved.append(f"{path}  ({page.url})")
    if saved:
        report.sections.append(("screenshots", "\n".join(saved)))
