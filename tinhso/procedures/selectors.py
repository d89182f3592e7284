from __future__ import annotations

import hashlib
import re
import threading
from difflib import get_close_matches

from cachetools import LRUCache, TLRUCache, cached
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from tinhso.core.text import fold

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
    """The catalogue, filtered; `q` is accent-insensitive and tolerates typos.
    With `q`, results come best match first (a list; the catalogue of a province is
    a few thousand rows, and a query matches a few dozen)."""
    qs = _filtered(sector=sector, agency=agency, level=level, online_level=online_level)
    folded = fold(q or "")
    if not _tokens(folded):
        return qs.order_by("code")
    # The catalogue is reference data: a search's answer (the procedures' ids, best
    # first) is kept in the shared cache until the catalogue changes, for every server
    # process at once; see _catalogue_stamp.
    stamp = _catalogue_stamp()
    key = _search_key(stamp, folded, sector, agency, level, online_level)
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


def _tokens(folded: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z.]+", folded) if t]


def _search_key(*parts) -> str:
    return "catalogue:search:" + hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _search(qs: QuerySet[Procedure], stamp: tuple, folded: str) -> list[Procedure]:
    """Every word, or a catalogue word close to it (a typo), must be there; best match
    first. On PostgreSQL the LIKE '%word%' filters are served by the pg_trgm GIN index."""
    vocabulary = _vocabulary(stamp)
    alternatives = [_spellings(t, vocabulary) for t in _tokens(folded)]
    matching = qs
    for options in alternatives:
        condition = Q()
        for option in options:
            condition |= Q(search_text__contains=option)
        matching = matching.filter(condition)
    return sorted(matching, key=lambda p: (-_score(alternatives, folded, p.search_text), p.code))


def _catalogue_stamp() -> tuple:
    """How many procedures and when the last one changed: what the cached searches
    and vocabulary depend on. Kept in the shared cache for CATALOGUE_CACHE_SECONDS and
    forgotten there by an edit (so every server process sees an edit at once; a change
    made around the services, in the database itself, within that time)."""
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        stamp = tuple(Procedure.objects.aggregate(n=Count("pk"), at=Max("updated_at")).values())
        seconds = getattr(settings, "CATALOGUE_CACHE_SECONDS", 10)
        if seconds > 0:
            cache.set(STAMP_KEY, stamp, seconds)
    return tuple(stamp)


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
def _vocabulary(stamp: tuple) -> frozenset[str]:
    """Every word of the catalogue, kept until the catalogue changes."""
    words: set[str] = set()
    for text in Procedure.objects.values_list("search_text", flat=True).iterator():
        words.update(text.split())
    return frozenset(words)


def forget_catalogue() -> None:
    """After a change to the catalogue: every process asks the database again (the
    stamp is shared); this process also drops what it keeps of its own."""
    cache.delete(STAMP_KEY)
    for kept in (_vocabulary, filter_choices):
        kept.cache_clear()


def _spellings(token: str, vocabulary: frozenset[str]) -> list[str]:
    """The token, and when no catalogue word contains it, the words close to it."""
    if token in vocabulary or len(token) < 3 or any(token in w for w in vocabulary):
        return [token]
    return [token, *get_close_matches(token, vocabulary, n=3, cutoff=0.75)]


def _score(alternatives: list[list[str]], phrase: str, text: str) -> float:
    words = set(text.split())
    whole = sum(any(o in words for o in options) for options in alternatives)
    return whole / len(alternatives) + (0.5 if phrase in text else 0.0)


def procedure(code: str) -> Procedure | None:
    return (
        Procedure.objects.filter(code=code, is_active=True)
        .select_related("sector", "agency")
        .first()
    )


def current_version(proc: Procedure) -> ProcedureVersion:
    return proc.versions.get(number=proc.version)


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
