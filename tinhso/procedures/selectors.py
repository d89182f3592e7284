from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.db import connection
from django.db.models import QuerySet

from tinhso.core.text import fold

from .models import Procedure, ProcedureVersion
from .schema import ProcedureDefinition

MIN_SIMILARITY = 0.3


def procedures(
    *,
    q: str = "",
    sector: str | None = None,
    agency: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
) -> QuerySet[Procedure] | list[Procedure]:
    """The catalogue, filtered; `q` is accent-insensitive and tolerates typos.
    With `q`, results come best match first."""
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
    exact = qs
    for token in tokens:
        exact = exact.filter(search_text__contains=token)
    if connection.vendor == "postgresql":
        return _postgres_ranked(qs, exact, folded)
    found = list(exact.order_by("code"))
    if found:
        return sorted(found, key=lambda p: -_score(tokens, p.search_text))
    return _fuzzy(list(qs), tokens)


def _postgres_ranked(qs, exact, folded: str):
    """Every token found, or similar enough by trigram (pg_trgm), best first."""
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models import Q

    ranked = qs.annotate(similarity=TrigramWordSimilarity(folded, "search_text"))
    return ranked.filter(Q(pk__in=exact.values("pk")) | Q(similarity__gte=MIN_SIMILARITY)).order_by(
        "-similarity", "code"
    )


def _word_similarity(token: str, words: list[str]) -> float:
    if token in words:
        return 1.0
    best = 0.0
    for word in words:
        if abs(len(word) - len(token)) > 2:
            continue
        best = max(best, SequenceMatcher(None, token, word).ratio())
    return best


def _score(tokens: list[str], text: str) -> float:
    words = text.split()
    return sum(_word_similarity(t, words) for t in tokens) / len(tokens)


def _fuzzy(candidates: list[Procedure], tokens: list[str]) -> list[Procedure]:
    """SQLite has no trigram index: the catalogue is small (a province has about two
    thousand procedures), so score every candidate by its closest words."""
    scored = [(p, _score(tokens, p.search_text)) for p in candidates]
    return [p for p, s in sorted(scored, key=lambda x: (-x[1], x[0].code)) if s >= 0.75]


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
