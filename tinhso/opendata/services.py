"""Publishing: each dataset's rows rebuilt from its query, in one transaction, so a
reader sees the old table or the new one, never half of each. A refresh that finds
the same content keeps `metadata_modified`, as harvesters expect."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from tinhso.accounts.models import Agency
from tinhso.audit.services import record_event

from . import builders
from .models import Dataset, Resource, Row

logger = logging.getLogger("tinhso.opendata")

FORMATS = ("CSV", "JSON")
BATCH = 2000


def _publish(definition: builders.DatasetDefinition) -> tuple[Dataset, bool]:
    fields = builders.fields_of(definition)
    ids = [f["id"] for f in fields]
    rows = [{key: row.get(key) for key in ids} for row in definition.rows()]
    digest = hashlib.sha256(
        json.dumps([fields, rows], ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()
    now = timezone.now()
    organization = Agency.objects.get(code=definition.organization)
    with transaction.atomic():
        dataset, created = Dataset.objects.select_for_update().get_or_create(
            name=definition.name,
            defaults={"organization": organization, "builder": definition.name},
        )
        dataset.title = definition.title
        dataset.notes = definition.notes
        dataset.organization = organization
        dataset.frequency = definition.frequency
        dataset.tags = definition.tags
        dataset.builder = definition.name
        dataset.fields = fields
        dataset.refreshed_at = now
        changed = created or dataset.content_sha256 != digest
        if changed:
            Row.objects.filter(dataset=dataset).delete()
            for start in range(0, len(rows), BATCH):
                Row.objects.bulk_create(
                    Row(dataset=dataset, n=start + i + 1, data=data)
                    for i, data in enumerate(rows[start : start + BATCH])
                )
            dataset.row_count = len(rows)
            dataset.content_sha256 = digest
            dataset.modified_at = now
        dataset.save()
        for fmt in FORMATS:
            Resource.objects.get_or_create(dataset=dataset, format=fmt)
        if created:
            record_event(
                action="opendata.dataset_published",
                object_type="dataset",
                object_id=dataset.name,
                after={"title": dataset.title, "organization": organization.code},
                agency_code=organization.code,
            )
    return dataset, changed


def refresh_datasets(
    *, names: list[str] | None = None, progress: Callable[[str, bool], None] | None = None
) -> list[Dataset]:
    """Rebuild the named datasets (all by default); returns them in order."""
    out = []
    for definition in builders.definitions():
        if names and definition.name not in names:
            continue
        dataset, changed = _publish(definition)
        logger.debug(
            "dataset %s: %s rows%s",
            dataset.name,
            dataset.row_count,
            "" if changed else " (unchanged)",
        )
        if progress:
            progress(dataset.name, changed)
        out.append(dataset)
    return out
