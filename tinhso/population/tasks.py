"""Background work on the population registry (progress on the job's page)."""

from __future__ import annotations

from tinhso.core import jobs


@jobs.handler("population.import")
def import_file(job) -> None:
    """Import a CSV from its checkpoint; run again after a restart, it resumes."""
    from .importing import run_import
    from .models import ImportBatch

    batch = ImportBatch.objects.get(pk=job.params["batch"])
    run_import(batch)


@jobs.handler("population.dedup")
def dedup(job) -> None:
    from . import daily, linking

    link = daily.dedup_incremental if job.params.get("incremental") else linking.dedup_registry
    result = link(actor=job.created_by, step=lambda: jobs.step(job, ok=True))
    job.log = [f"{k}: {v}" for k, v in result.items()]
    job.save(update_fields=["log"])
