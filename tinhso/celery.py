"""`celery -A tinhso` finds the app here; the mechanism is `tinhso.core.celery_app`."""

from tinhso.core.celery_app import default_app

app = default_app()
