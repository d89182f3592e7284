"""Finding a person in the registry from what a caller knows (the match service).

Candidates come from the keys the deduplication blocks on: the personal ID exactly,
the phonetic name with the date of birth (day and month may be swapped), the phone;
and the exact folded name when no date is given. Each candidate's golden record, with
the optional columns of its source records, is scored against the query by the
trained model (`linkage.scoring`), with the same name handling as every dedup run.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet

from . import linkage
from .linkage import scoring
from .models import DatePrecision, Person
from .normalize import (
    OPTIONAL_COLUMNS,
    PartialDate,
    name_keys,
    try_birth_date,
    try_personal_id,
    try_phone,
)

# What a caller may give (the API's body); "ward" is a ward code.
FIELDS = (
    "full_name", "date_of_birth", "sex", "personal_id", "phone", "address", "ward",
    "father_name", "mother_name",
)  # fmt: skip
MAX_CANDIDATES = 5
PER_KEY = 200  # candidates read per blocking key, at most


def model() -> dict:
    """The last fully trained model, else the documented priors."""
    path = settings.VAR_DIR / "population" / "last-model.json"
    return linkage.training.fallback_model(path)[0]


def _dates(d: PartialDate) -> Q:
    if d.day is None:
        start = d.as_date()
        end = (
            datetime.date(d.year + 1, 1, 1)
            if d.month is None
            else datetime.date(d.year + d.month // 12, d.month % 12 + 1, 1)
        )
        return Q(date_of_birth__gte=start, date_of_birth__lt=end)
    q = Q(date_of_birth=d.as_date())
    day, month = d.day, d.month or 1
    if day <= 12 and day != month:  # day and month swapped
        q |= Q(date_of_birth=datetime.date(d.year, day, month))
    return q


def _same_name(keys, other: str) -> bool:
    k = name_keys(other)
    return bool(keys.folded) and (
        k.unordered == keys.unordered or (k.given == keys.given and k.surname == keys.surname)
    )


def candidates(people: QuerySet[Person], fields: dict[str, str]) -> list[Person]:
    """The living people sharing a blocking key with the query (from `people`)."""
    people = people.filter(merged_into__isnull=True)
    found: dict[int, Person] = {}

    def add(qs) -> None:
        for p in qs.distinct().prefetch_related("records")[:PER_KEY]:
            found.setdefault(p.pk, p)

    pid, _kind = try_personal_id(fields.get("personal_id", ""))
    if pid:
        add(people.filter(Q(personal_id=pid) | Q(records__personal_id=pid)))
    phone = try_phone(fields.get("phone", ""))
    if phone:
        add(people.filter(Q(phone=phone) | Q(records__phone=phone)))
    name = fields.get("full_name", "")
    if name:
        keys = name_keys(name)
        born = try_birth_date(fields.get("date_of_birth", ""))
        if born is not None:
            same_day = people.filter(_dates(born)).only("pk", "full_name")[: PER_KEY * 5]
            add(people.filter(pk__in=[p.pk for p in same_day if _same_name(keys, p.full_name)]))
        add(people.filter(name_folded=keys.folded))
    return list(found.values())


def _birth(person: Person) -> str:
    d = person.date_of_birth
    if d is None:
        return ""
    if person.dob_precision == DatePrecision.YEAR:
        return f"{d.year:04d}"
    if person.dob_precision == DatePrecision.MONTH:
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def _columns(person: Person) -> dict[str, str]:
    """A golden record in the contract's columns; the optional ones from its records."""
    row = {
        "full_name": person.full_name,
        "date_of_birth": _birth(person),
        "sex": person.sex,
        "personal_id": person.personal_id,
        "phone": person.phone,
        "address": person.current_address or person.permanent_address,
        "ward_code": person.ward_id or "",
    }
    for record in person.records.all():
        for column in OPTIONAL_COLUMNS:
            row[column] = row.get(column) or getattr(record, column)
    return row


def query_columns(fields: dict[str, str]) -> dict[str, str]:
    row = {k: v for k, v in fields.items() if k in FIELDS and k != "ward"}
    row["ward_code"] = fields.get("ward", "")
    return row


def rank(people: list[Person], fields: dict[str, str]) -> list[tuple[Person, float, list]]:
    """The best `MAX_CANDIDATES`, highest match weight first (ties: the lower id)."""
    scored = scoring.score(query_columns(fields), {str(p.pk): _columns(p) for p in people}, model())
    by_pk = {p.pk: p for p in people}
    ranked = sorted(
        ((by_pk[int(k)], prob, evidence, order) for k, (prob, evidence, order) in scored.items()),
        key=lambda t: (t[3], t[0].pk),  # by weight: probabilities round to 1 at the top
    )
    return [(person, prob, evidence) for person, prob, evidence, _ in ranked[:MAX_CANDIDATES]]
