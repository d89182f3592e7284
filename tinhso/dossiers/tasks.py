"""Background work on dossiers."""

from __future__ import annotations

from tinhso.core import jobs
from tinhso.core.errors import DomainError


@jobs.handler("dossiers.sign")
def sign_many(job) -> None:
    """A leader signs many approved results at once. Idempotent per dossier: one
    already signed counts as done, so the job can be run again after a restart."""
    from . import services
    from .models import Dossier

    leader = job.created_by
    for code in job.params.get("codes", []):
        if Dossier.objects.filter(code=code).resolved().exists():
            jobs.step(job, ok=True)
            continue
        try:
            services.take_action(actor=leader, code=code, action="sign")
        except DomainError as exc:
            jobs.step(job, ok=False, note=f"{code}: {exc.message}")
        else:
            jobs.step(job, ok=True)
