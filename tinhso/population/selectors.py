"""Reads on the population registry."""

from __future__ import annotations

from django.db.models import QuerySet

from tinhso.core.text import fold

from .models import ImportBatch, Merge, Person, ReviewPair, SourceRecord


def people(*, q: str = "") -> QuerySet[Person]:
    qs = Person.objects.filter(merged_into__isnull=True).select_related("ward")
    q = q.strip()
    if q.isdigit():
        return qs.filter(personal_id=q)
    if q:
        return qs.filter(name_folded__startswith=fold(q))
    return qs.order_by("pk")


def person_detail(pk: int) -> Person:
    return Person.objects.select_related("ward", "merged_into", "account", "household").get(pk=pk)


def household_members(person: Person) -> QuerySet[Person]:
    """The other people of the person's household (living records only)."""
    if person.household_id is None:
        return Person.objects.none()
    return (
        Person.objects.filter(household_id=person.household_id, merged_into__isnull=True)
        .exclude(pk=person.pk)
        .order_by("date_of_birth", "pk")
    )


def person_records(person: Person) -> QuerySet[SourceRecord]:
    return person.records.select_related("ward").order_by("source", "-imported_at")


def person_merges(person: Person) -> QuerySet[Merge]:
    return Merge.objects.filter(survivor=person).select_related(
        "absorbed", "created_by", "undone_by"
    )


def review_queue(*, state: str = ReviewPair.State.PENDING) -> QuerySet[ReviewPair]:
    return ReviewPair.objects.filter(state=state).select_related(
        "record_a__ward", "record_b__ward", "record_a__person", "record_b__person"
    )


def review_pair(pk: int) -> ReviewPair:
    return ReviewPair.objects.select_related(
        "record_a__ward", "record_b__ward", "record_a__person", "record_b__person", "decided_by"
    ).get(pk=pk)


def recent_batches(limit: int = 20) -> list[ImportBatch]:
    return list(ImportBatch.objects.select_related("job")[:limit])


def registry_counts() -> dict[str, int]:
    return {
        "people": Person.objects.filter(merged_into__isnull=True).count(),
        "records": SourceRecord.objects.count(),
        "pending": ReviewPair.objects.filter(state=ReviewPair.State.PENDING).count(),
    }


def last_dedup_job():
    from tinhso.core.models import Job

    return Job.objects.filter(kind="population.dedup").first()


def person_for_user(user) -> Person | None:
    """The registry's person behind a citizen's account."""
    return Person.objects.filter(account=user).first()
