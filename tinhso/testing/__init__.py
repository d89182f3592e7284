"""What the tests share: constants and small helpers (here), factory_boy factories that
build through the real services (`factories`), and the fixtures (`fixtures`, a pytest
plugin that tinhso/conftest.py registers). Test code only: nothing in the platform
imports this package. No model or service is imported at import time here."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

TEST_PASSWORD = "Mat-khau-rat-dai-1"  # test users only
CATALOGUE_FIXTURE = (
    Path(__file__).resolve().parent.parent / "procedures" / "tests" / "catalogue_fixture.json"
)

DRIVING = "9.000001"  # province level, Sở Xây dựng, 5 working days, two required papers
BIRTH = "9.000002"  # ward level
DRIVING_DATA = {"hang_gplx": "B", "so_gplx_cu": "AB123456", "cam_ket": True}
DRIVING_PAPERS = ("giay-phep-cu", "giay-kham-suc-khoe")

# PUBLIC_CACHE_SECONDS for the tests of the kept answers (root.middleware): the time
# bound is a window of the clock (seconds since 1970, divided), and a window that ended
# between two requests of a test would make the second go the whole way (a failure
# seen once: a run that crossed 21:35:00 UTC). One window for the whole run.
KEPT_FOR_THE_RUN = 2**40
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size=(20, 20)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_file(name="giay.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def act(actor, dossier, action, **payload):
    """One workflow action through the service, as the actor."""
    from tinhso.dossiers import services

    return services.take_action(actor=actor, code=dossier.code, action=action, payload=payload)


def bearer_client(user):
    """A test client speaking to the API with a fresh token of the user's."""
    from django.test import Client

    from tinhso.accounts import services as accounts

    _, raw = accounts.issue_api_token(actor=None, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def concurrent_connections(test):
    """Marks a test of real concurrent connections (row locks, racing upserts), in
    committed transactions as the server has them: run on PostgreSQL (CI runs it),
    skipped on SQLite, whose in-memory test database serialises every write anyway."""
    import pytest
    from django.db import connection

    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent connections: PostgreSQL"
    )(test)


def at_once(count: int, work, *, timeout: float = 120) -> list:
    """Run `work(n)` for n in 0..count-1, each in a thread of its own (so a database
    connection of its own, closed after), all released at the same moment, as that
    many requests served together. Returns what each returned (in the order they
    ended); an error raised in any of them is raised here, and so is a thread that did
    not end within `timeout`."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(count)
    returned: list = []
    raised: list[BaseException] = []

    def run(n):
        try:
            barrier.wait(timeout=10)
            returned.append(work(n))
        except BaseException as exc:  # noqa: BLE001 - raised again below
            raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"a thread did not end within {timeout} s")
    if raised:
        raise raised[0]
    return returned
