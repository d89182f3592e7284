from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from cachetools import LRUCache, TLRUCache, cached
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, QuerySet
from django.utils.translation import get_language

from tinhso.core.compiled import Compiled
from tinhso.core.text import fold

from . import search
from .models import Procedure, ProcedureVersion, Sector
from .schema import ProcedureDefinition


def procedures(
    *,
    q: str = "",
    sector: str | None = None,
    agency: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
) -> QuerySet[Procedure] | list[Procedure]:
    """The catalogue, filtered; `q` is accent-insensitive, knows synonyms and
    abbreviations (data/search_synonyms.csv), English names, and tolerates typos.
    With `q`, the procedures that match enough of it, best first (a list; see
    `search`)."""
    qs = _filtered(sector=sector, agency=agency, level=level, online_level=online_level)
    folded = fold(q or "")
    if not search.words(folded):
        return qs.order_by("code")
    # The catalogue is reference data: a search's answer (the procedures' ids, best
    # first) is kept in the shared cache until the catalogue changes, for every server
    # process at once; see _catalogue_stamp.
    stamp = _catalogue_stamp()
    key = _search_key(stamp, search.data_version(), folded, sector, agency, level, online_level)
    found_ids = cache.get(key)
    if found_ids is not None:
        rows = qs.in_bulk(found_ids)
        return [rows[pk] for pk in found_ids if pk in rows]
    found = _search(qs, stamp, folded)
    cache.set(key, [p.pk for p in found], SEARCH_SECONDS)
    return found


SEARCH_SECONDS = 24 * 3600  # a search's answer, at most (a catalogue change ends it at once)
STAMP_KEY = "catalogue:stamp"
DEFINITIONS_KEPT = 5000  # a province's catalogue (≈2,000 procedures) with some history
# Held only to read or store an entry (cachetools' caches are not thread-safe), never
# while an answer is computed.
_lock = threading.Lock()


def _filtered(*, sector, agency, level, online_level) -> QuerySet[Procedure]:
    qs = Procedure.objects.filter(is_active=True).select_related("sector", "agency")
    if sector:
        qs = qs.filter(sector__code=sector)
    if agency:
        qs = qs.filter(agency__code=agency)
    if level:
        qs = qs.filter(level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)
    return qs


def _fresh_for_a_while(_key, _value, now: float) -> float:
    """When an entry kept for CATALOGUE_CACHE_SECONDS expires (0: never kept)."""
    return now + getattr(settings, "CATALOGUE_CACHE_SECONDS", 10)


def _search_key(*parts) -> str:
    return "catalogue:search:" + hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _search(qs: QuerySet[Procedure], stamp: tuple, folded: str) -> list[Procedure]:
    """Ranked by the in-process index of this catalogue version; the filters apply
    to the ranked ids."""
    index = _index(stamp)
    ranked = [pk for pk, _score in index.search(index.parse(folded))]
    rows = qs.in_bulk(ranked)
    return [rows[pk] for pk in ranked if pk in rows]


def _catalogue_stamp() -> tuple:
    """How many procedures and when the last one changed: what the cached searches
    and vocabulary depend on. Kept in the shared cache for CATALOGUE_CACHE_SECONDS and
    forgotten there by an edit, so every server process sees an edit within
    CATALOGUE_STAMP_LOCAL_SECONDS (each keeps what it read that long: the public pages
    ask for the stamp on every request, and a shared-cache read was most of their
    cost); the process that made the edit at once; a change made around the services,
    in the database itself, within CATALOGUE_CACHE_SECONDS."""
    local = getattr(settings, "CATALOGUE_STAMP_LOCAL_SECONDS", 1.0)
    now = time.monotonic()
    kept = _local_stamp
    if kept is not None and now < kept[1]:
        return kept[0]
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        stamp = tuple(Procedure.objects.aggregate(n=Count("pk"), at=Max("updated_at")).values())
        seconds = getattr(settings, "CATALOGUE_CACHE_SECONDS", 10)
        if seconds > 0:
            cache.set(STAMP_KEY, stamp, seconds)
    stamp = tuple(stamp)
    _remember_stamp(stamp, now + local if local > 0 else None)
    return stamp


# This process's last read of the stamp and until when it holds (time.monotonic()).
_local_stamp: tuple[tuple, float] | None = None


def _remember_stamp(stamp: tuple | None, until: float | None) -> None:
    global _local_stamp
    _local_stamp = None if stamp is None or until is None else (stamp, until)


def catalogue_stamp() -> str:
    """What answers computed from the catalogue alone may be kept under (the public
    pages' cache, root.middleware): it changes with every edit, in every process."""
    return repr(_catalogue_stamp())


@cached(TLRUCache(maxsize=1, ttu=_fresh_for_a_while), lock=_lock)
def filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The catalogue's sectors and the agencies that run procedures, for the search
    filters: reference data, read again at most every CATALOGUE_CACHE_SECONDS."""
    from tinhso.accounts.models import Agency

    sectors = list(Sector.objects.values_list("code", "name"))
    agencies = list(
        Agency.objects.filter(kind__in=["department", "service_centre"]).values_list("code", "name")
    )
    return sectors, agencies


@cached(LRUCache(maxsize=1), lock=_lock)
def _index(stamp: tuple) -> search.Index:
    """The search index of the active procedures (name, English name, result, sector,
    code, papers of the current version), built once per catalogue version."""
    english = search.english_names()
    rows = ProcedureVersion.objects.filter(
        procedure__is_active=True, number=F("procedure__version")
    ).values_list(
        "procedure_id",
        "procedure__code",
        "procedure__name",
        "procedure__result_type",
        "procedure__sector__name",
        "data__documents",
    )
    records: list[tuple[object, dict[str, str]]] = []
    for pk, code, name, result_type, sector_name, documents in rows.iterator():
        records.append(
            (
                pk,
                {
                    "name": name,
                    "name_en": english.get(code, ""),
                    "body": f"{code} {result_type} {sector_name}",
                    "papers": " ".join(
                        str(d.get("label", "")) for d in documents or [] if isinstance(d, dict)
                    ),
                },
            )
        )
    return search.Index(records)


@dataclass(frozen=True)
class ElsewhereAnswer:
    """A service the province does not handle, said in the current language."""

    key: str
    title: str
    where: str
    url: str


def elsewhere(q: str) -> list[ElsewhereAnswer]:
    """For a search: the services asked for that are handled elsewhere (passports:
    the police, on the national portal...), from data/search_elsewhere.csv."""
    lang = get_language() or "vi"
    return [
        ElsewhereAnswer(key=e.key, title=e.title(lang), where=e.where(lang), url=e.url)
        for e in search.elsewhere_for(q or "")
    ]


def popular_procedures() -> list[Procedure]:
    """Suggested when a search finds nothing (data/search_popular.csv)."""
    codes = search.popular_codes()
    rows = {
        p.code: p
        for p in _filtered(sector=None, agency=None, level=None, online_level=None).filter(
            code__in=codes
        )
    }
    return [rows[c] for c in codes if c in rows]


def forget_catalogue() -> None:
    """After a change to the catalogue: every process asks the database again (the
    stamp is shared); this process also drops what it keeps of its own."""
    cache.delete(STAMP_KEY)
    _remember_stamp(None, None)
    for kept in (_index, filter_choices):
        kept.cache_clear()


# Compiled once per process (core.compiled): every filing, procedure page and API
# detail asks for these two.
_PROCEDURE = Compiled(
    lambda code: (
        Procedure.objects.filter(code=code, is_active=True)
        .select_related("sector", "agency__unit")
        .order_by()
    ),
    ["«procedure-code»"],
)
_VERSION = Compiled(
    lambda procedure_id, number: (
        ProcedureVersion.objects.filter(procedure_id=procedure_id, number=number)
        .defer("data")  # parsed once per process (definition_of), read only then
        .order_by()
    ),
    [2_147_000_001, 2_147_000_002],  # within the fields' range, never a real one,
)


def procedure(code: str) -> Procedure | None:
    return _PROCEDURE.first(code)


def current_version(proc: Procedure) -> ProcedureVersion:
    found = _VERSION.first(proc.pk, proc.version)
    if found is None:
        raise ProcedureVersion.DoesNotExist(f"{proc.code} has no version {proc.version}")
    found.procedure = proc
    return found


def definition_of(version: ProcedureVersion) -> ProcedureDefinition:
    """The version's form, papers and steps, parsed once per process: a version never
    changes (an edit makes a new one). Read it, never change it."""
    if version.pk is None:
        return ProcedureDefinition.model_validate(version.data)
    return _parsed(version)


# Keyed with the creation time too: SQLite may give a rolled-back row's id to a new row.
@cached(LRUCache(maxsize=DEFINITIONS_KEPT), key=lambda v: (v.pk, v.created_at), lock=_lock)
def _parsed(version: ProcedureVersion) -> ProcedureDefinition:
    return ProcedureDefinition.model_validate(version.data)


def unverified_procedures() -> QuerySet[Procedure]:
    """Catalogue entries whose data is not verified yet, with the internal note that
    says what (for the administrators' list; never shown to citizens)."""
    return (
        Procedure.objects.filter(is_active=True, data_verified=False)
        .select_related("sector", "agency")
        .order_by("code")
    )
