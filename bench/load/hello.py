"""The baseline: a bare Django hello view (no middleware, no database), served by
gunicorn exactly as `tinhso serve` serves the platform (same settings, same code).

    .venv/bin/python bench/load/hello.py --port 8801 --workers 2
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello)]

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(50),  # a fresh key per run: nothing to keep
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

if __name__ == "__main__":
    from tinhso.root.management.commands.serve import run_gunicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8801)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    run_gunicorn(application, host=args.host, port=args.port, workers=args.workers)
