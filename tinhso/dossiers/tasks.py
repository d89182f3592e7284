"""Background work on dossiers."""

from __future__ import annotations

from tinhso.core import jobs
from tinhso.core.errors import DomainError


@jobs.handler("dossiers.sign")
def sign_many(job) -> None:
    """A leader signs many approved results at once. Idempotent per dossier: one
    already signed counts as done, so the job can be run again after a restart."""
    from . import selectors, services

    leader = job.created_by
    for code in job.params.get("codes", []):
        # Done already, for a dossier in this leader's sight; any other is answered by
        # take_action as one that does not exist.
        current = selectors.dossier_for(leader, code, with_history=False)
        if current is not None and current.is_resolved:
            jobs.step(job, ok=True)
            continue
        try:
            services.take_action(actor=leader, code=code, action="sign")
        except DomainError as exc:
            jobs.step(job, ok=False, note=f"{code}: {exc.message}")
        else:
            jobs.step(job, ok=True)


@jobs.task("dossiers.declarations")
def make_declarations(*, code: str, day: str = "") -> None:
    """The declarations of a submitted or supplemented dossier, made from its answers
    after the request (services/declaration.py). Idempotent: made already, nothing."""
    import datetime

    from .services.declaration import make_declarations as make

    make(code=code, day=datetime.date.fromisoformat(day) if day else None)
