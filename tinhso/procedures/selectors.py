from __future__ import annotations

import re
from difflib import get_close_matches

from django.db.models import Count, Max, Q, QuerySet

from tinhso.core.text import fold

from .models import Procedure, ProcedureVersion
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
    qs = Procedure.objects.filter(is_active=True).select_related("sector", "agency")
    if sector:
        qs = qs.filter(sector__code=sector)
    if agency:
        qs = qs.filter(agency__code=agency)
    if level:
        qs = qs.filter(level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)
    folded = fold(q or "")
    tokens = [t for t in re.split(r"[^0-9a-z.]+", folded) if t]
    if not tokens:
        return qs.order_by("code")
    # Every word, or a catalogue word close to it (a typo), must be there. On
    # PostgreSQL the LIKE '%word%' filters are served by the pg_trgm GIN index.
    vocabulary = _vocabulary()
    alternatives = [_spellings(t, vocabulary) for t in tokens]
    matching = qs
    for options in alternatives:
        condition = Q()
        for option in options:
            condition |= Q(search_text__contains=option)
        matching = matching.filter(condition)
    return sorted(matching, key=lambda p: (-_score(alternatives, folded, p.search_text), p.code))


_vocab_cache: tuple[tuple, frozenset[str]] | None = None


def _vocabulary() -> frozenset[str]:
    """Every word of the catalogue, kept until the catalogue changes."""
    global _vocab_cache
    stamp = tuple(Procedure.objects.aggregate(n=Count("pk"), at=Max("updated_at")).values())
    if _vocab_cache is None or _vocab_cache[0] != stamp:
        words: set[str] = set()
        for text in Procedure.objects.values_list("search_text", flat=True).iterator():
            words.update(text.split())
        _vocab_cache = (stamp, frozenset(words))
    return _vocab_cache[1]


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
    return ProcedureDefinition.model_validate(version.data)
