"""Reads on the population registry."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed
from tinhso.core.identity import mask_id
from tinhso.core.text import fold

from . import matching, permissions
from .error_codes import PopulationErrorCode
from .models import ImportBatch, Merge, Person, ReviewPair, SourceRecord
from .normalize import try_birth_date, try_personal_id


def _read(viewer, *, action: str, object_type: str, object_id, after=None) -> None:
    """Every read of people's records leaves an audit event (who read whom, when)."""
    agency = authz.primary_agency(viewer) if viewer is not None else None
    record_event(
        actor=viewer,
        action=action,
        object_type=object_type,
        object_id=object_id,
        after=after,
        agency_code=agency.code if agency is not None else "",
    )


def people(*, viewer, q: str = "") -> QuerySet[Person]:
    """The living people this viewer may see, by exact personal ID or name prefix.
    A search is audited: an ID lookup with the people it found (the ID masked)."""
    permissions.require_keeper(viewer)
    qs = permissions.in_scope(
        viewer, Person.objects.filter(merged_into__isnull=True).select_related("ward")
    )
    q = q.strip()
    if q.isdigit():
        qs = qs.filter(personal_id=q)
        found = list(qs.values_list("pk", flat=True)[:20])
        _read(
            viewer,
            action="population.search",
            object_type="population.person",
            object_id="*",
            after={"personal_id": mask_id(q), "people": found},
        )
        return qs
    if q:
        _read(
            viewer,
            action="population.search",
            object_type="population.person",
            object_id="*",
            after={"name": fold(q)[:100]},
        )
        return qs.filter(name_folded__startswith=fold(q))
    return qs.order_by("pk")


def person_detail(pk: int, *, viewer) -> Person:
    """One person's golden record, if this viewer's scope covers their ward (else
    Person.DoesNotExist, as for no one); the read is audited."""
    permissions.require_keeper(viewer)
    person = permissions.in_scope(
        viewer, Person.objects.select_related("ward", "merged_into", "account", "household")
    ).get(pk=pk)
    _read(viewer, action="population.person_read", object_type="population.person", object_id=pk)
    return person


def household_members(person: Person, *, viewer) -> QuerySet[Person]:
    """The other people of the person's household (living records only)."""
    if person.household_id is None:
        return Person.objects.none()
    return permissions.in_scope(
        viewer,
        Person.objects.filter(household_id=person.household_id, merged_into__isnull=True)
        .exclude(pk=person.pk)
        .order_by("date_of_birth", "pk"),
    )


def person_records(person: Person) -> QuerySet[SourceRecord]:
    return person.records.select_related("ward").order_by("source", "-imported_at")


def person_merges(person: Person) -> QuerySet[Merge]:
    return Merge.objects.filter(survivor=person).select_related(
        "absorbed", "created_by", "undone_by"
    )


def _pairs_in_scope(viewer, qs: QuerySet[ReviewPair]) -> QuerySet[ReviewPair]:
    """Pairs both of whose people the viewer's scope covers."""
    qs = permissions.in_scope(viewer, qs, "record_a__person__ward")
    return permissions.in_scope(viewer, qs, "record_b__person__ward")


def review_queue(*, viewer, state: str = ReviewPair.State.PENDING) -> QuerySet[ReviewPair]:
    permissions.require_keeper(viewer)
    return _pairs_in_scope(
        viewer,
        ReviewPair.objects.filter(state=state).select_related(
            "record_a__ward", "record_b__ward", "record_a__person", "record_b__person"
        ),
    )


def review_pair(pk: int, *, viewer) -> ReviewPair:
    """A pair with both records, if both people are in scope (else DoesNotExist);
    the read is audited."""
    permissions.require_keeper(viewer)
    pair = _pairs_in_scope(
        viewer,
        ReviewPair.objects.select_related(
            "record_a__ward",
            "record_b__ward",
            "record_a__person",
            "record_b__person",
            "decided_by",
        ),
    ).get(pk=pk)
    _read(
        viewer,
        action="population.review_read",
        object_type="population.reviewpair",
        object_id=pk,
        after={"people": [pair.record_a.person_id, pair.record_b.person_id]},
    )
    return pair


def recent_batches(*, viewer, limit: int = 20) -> list[ImportBatch]:
    """Imports hold anyone's rows: province-wide keepers see them."""
    if viewer is not None and not permissions.is_province_keeper(viewer):
        return []
    return list(ImportBatch.objects.select_related("job")[:limit])


def import_batch(pk: int, *, viewer) -> ImportBatch:
    """A batch for its page or its error report (ImportBatch.DoesNotExist when the
    viewer is not a province-wide keeper, as for none)."""
    if viewer is not None and not permissions.is_province_keeper(viewer):
        raise ImportBatch.DoesNotExist(pk)
    return ImportBatch.objects.select_related("job").get(pk=pk)


def read_import_errors(batch: ImportBatch, *, viewer) -> None:
    """The error report repeats the refused rows as they came: its download is a read."""
    _read(
        viewer,
        action="population.import_errors_read",
        object_type="population.importbatch",
        object_id=batch.pk,
        after={"rows": batch.rows_bad},
    )


def registry_counts(*, viewer) -> dict[str, int]:
    return {
        "people": permissions.in_scope(
            viewer, Person.objects.filter(merged_into__isnull=True)
        ).count(),
        "records": permissions.in_scope(viewer, SourceRecord.objects.all(), "person__ward").count(),
        "pending": _pairs_in_scope(
            viewer, ReviewPair.objects.filter(state=ReviewPair.State.PENDING)
        ).count(),
    }


def last_dedup_job():
    from tinhso.core.models import Job

    return Job.objects.filter(kind="population.dedup").first()


def person_for_user(user) -> Person | None:
    """The registry's person behind a citizen's account."""
    return Person.objects.filter(account=user).first()


# Why a match is asked: "registry" is the keepers' own lookup (the API), within their
# scope. The others are the province's services calling in (health check-in, school
# enrolment): the calling app has checked its own user's role, names its purpose,
# and searches the whole province (a patient or a pupil may live anywhere).
REGISTRY_LOOKUP = "registry"
SERVICE_PURPOSES = frozenset({"health_checkin", "school_enrolment"})


def _match_fields(fields: dict) -> dict[str, str]:
    unknown = set(fields) - set(matching.FIELDS)
    if unknown:
        raise TypeError(f"match_person: unknown fields {sorted(unknown)}")
    given = {k: str(v).strip()[:300] for k, v in fields.items() if v not in (None, "")}
    given = {k: v for k, v in given.items() if v}
    if not given:
        raise ValidationFailed(
            _("Cần ít nhất một thông tin để tìm: họ tên, ngày sinh, số định danh, điện thoại…"),
            code=PopulationErrorCode.MATCH_EMPTY,
        )
    bad = {}
    if "personal_id" in given and try_personal_id(given["personal_id"])[0] is None:
        bad["personal_id"] = _("Số định danh cần 12 chữ số (hoặc 9 với chứng minh nhân dân cũ).")
    if "date_of_birth" in given and try_birth_date(given["date_of_birth"]) is None:
        bad["date_of_birth"] = _(
            "Ngày sinh không đúng dạng DD/MM/YYYY, YYYY-MM-DD, MM/YYYY hoặc YYYY."
        )
    if bad:
        raise ValidationFailed(_("Thông tin tìm kiếm không hợp lệ."), fields=bad)
    return given


def match_person(*, viewer, purpose: str = REGISTRY_LOOKUP, **fields) -> list[dict]:
    """Up to 5 people the given fields may describe, best first, each with a score
    (0–1) and the evidence (per comparison: agree, disagree or missing). Any subset
    of `matching.FIELDS`. Audited: who, why, which fields, the ID masked, whom found.

    `purpose="registry"`: a keeper (or the console, `viewer=None`), within their
    scope. A service purpose (`SERVICE_PURPOSES`): a trusted internal call, the
    viewer (the app's user, or None for the app itself) is recorded, not checked."""
    if purpose == REGISTRY_LOOKUP:
        permissions.require_keeper(viewer)
        people = permissions.in_scope(viewer, Person.objects.all())
    elif purpose in SERVICE_PURPOSES:
        people = Person.objects.all()
    else:
        raise ValueError(f"match_person: unknown purpose {purpose!r}")
    given = _match_fields(fields)
    ranked = matching.rank(matching.candidates(people, given), given)
    _read(
        viewer,
        action="population.match",
        object_type="population.person",
        object_id="*",
        after={
            "purpose": purpose,
            "fields": sorted(given),
            "personal_id": mask_id(given.get("personal_id", "")),
            "people": [p.pk for p, _score, _evidence in ranked],
        },
    )
    return [
        {"person": p, "score": round(score, 4), "evidence": evidence}
        for p, score, evidence in ranked
    ]
