"""Background work on payments (progress on the job's page)."""

from __future__ import annotations

from pathlib import Path

from tinhso.core import jobs


@jobs.handler("payments.reconcile")
def reconcile_statement(job) -> None:
    """Reconcile an uploaded statement; run again after a restart, the credits already
    imported are skipped."""
    from . import services

    params = job.params
    result = services.reconcile(
        actor=job.created_by,
        content=Path(params["path"]).read_bytes(),
        source=params.get("source", ""),
        format_name=params.get("format") or None,
        step=lambda: jobs.step(job, ok=True),
    )
    job.log = [result.summary(), f"seen_before: {result.seen_before}"]
    job.save(update_fields=["log"])
