"""Ranked search of the procedure catalogue: BM25F over accent-folded words (the name,
Vietnamese and English, weighs more than the result and sector, which weigh more than
the papers), synonyms and abbreviations as data, light typo tolerance, and a minimum
share of the query that a procedure must match to be listed.

Pure Python over plain records (no database): `selectors` builds an `Index` once per
catalogue version and keeps it. The data files, in `data/`:

- `search_synonyms.csv` (phrase, means, lang, note): a phrase the citizen types and
  what the catalogue calls it; the phrase's own words still count, a little. An empty
  `means` is a filler word, left out. `lang` `vi` or `en`: only in a query in that
  language (English: a query with a word found only in the English names).
- `search_elsewhere.csv`: services the province does not handle (passports...), with
  the phrases that name them and where to go instead.
- `catalogue_en.csv` (kind, code, name_en), its `procedure` rows: the English names,
  searched too (read through procedures.english, as the pages read them).
- `search_popular.csv` (code): the procedures suggested when a search finds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from tinhso.core.text import fold

DATA_DIR = Path(__file__).parent / "data"
SYNONYMS_FILE = DATA_DIR / "search_synonyms.csv"
ELSEWHERE_FILE = DATA_DIR / "search_elsewhere.csv"
POPULAR_FILE = DATA_DIR / "search_popular.csv"
NAMES_EN_FILE = DATA_DIR / "catalogue_en.csv"  # read through procedures.english

# BM25F: how much a word counts in each field, and the usual saturation and length
# normalisation (Robertson & Zaragoza, "The Probabilistic Relevance Framework").
FIELD_WEIGHTS = {"name": 3.0, "name_en": 3.0, "body": 1.0, "papers": 0.15}
NAME_FIELDS = ("name", "name_en")
K1 = 1.2
B = 0.75
# A procedure is listed when it matches at least this share of the query (words
# weighed by their rarity): partial matches are ranked, unrelated noise is not listed.
MIN_COVERAGE = 0.5
REWRITTEN = 0.3  # a phrase's own words, when a synonym says what it means
TYPO = 0.7  # a catalogue word one edit away from an unknown word
PREFIX = 0.6  # a catalogue word that the last, unfinished word begins
PREFIXES = 8  # at most so many of them
ELSEWHERE_REST = 1.0  # the rest of a query must weigh more than this × the trigger's
BIGRAM = 0.25
NAME_FIT = 2.0  # times the share of the name's words the query asked for  # two query words side by side in the name, times their rarity

_TOKEN = re.compile(r"\d+(?:\.\d+)+|[0-9a-z]+")
_RAW = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
_POSSESSIVE = re.compile(r"['’]s\b")
# kí/ký, lí/lý, mĩ/mỹ, sĩ/sỹ, quí/quý...: after a consonant, a final y is written i too.
_I_OR_Y = re.compile(r"(?:b|c|ch|d|gh|h|k|kh|l|m|n|ng|nh|p|ph|qu|r|s|t|th|tr|v|x)y")


def term(token: str) -> str:
    """A folded token as indexed: one spelling of i/y, and English plurals, -ing,
    -ion and a final e dropped (no Vietnamese syllable ends so)."""
    if _I_OR_Y.fullmatch(token):
        return token[:-1] + "i"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    if len(token) > 5 and token.endswith("ing"):
        return token[:-3]
    if len(token) > 6 and token.endswith("ion"):
        return token[:-3]
    if len(token) > 4 and token.endswith("e"):
        return token[:-1]
    return token


def words(text: str) -> list[str]:
    found: list[str] = []
    text = unicodedata.normalize("NFC", _POSSESSIVE.sub("", text or "").lower())
    for raw in _RAW.findall(text):
        found.extend(_terms(raw))
    return found


@lru_cache(maxsize=100_000)
def _terms(raw: str) -> tuple[str, ...]:
    """A word as typed, folded once (a language has few syllables; the catalogue
    repeats them)."""
    return tuple(term(t) for t in _TOKEN.findall(fold(raw)))


# --- data ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    phrase: tuple[str, ...]
    means: tuple[tuple[str, ...], ...]  # alternatives ("a|b"); none: a filler word
    lang: str  # "", "vi" or "en"

    def concepts(self) -> list[Concept]:
        """One alternative: each of its words is asked for. Several: any of their
        words will do, as one thing asked for."""
        if len(self.means) == 1:
            return [Concept({t: 1.0}, 1.0) for t in self.means[0]]
        return [Concept({t: 1.0 for alt in self.means for t in alt}, 1.0)]

    def words(self) -> set[str]:
        return {t for alt in self.means for t in alt}


@dataclass(frozen=True)
class Elsewhere:
    """A service the province does not handle, and where to go instead."""

    key: str
    triggers: tuple[tuple[str, ...], ...]
    title_vi: str
    title_en: str
    where_vi: str
    where_en: str
    url: str

    def title(self, lang: str) -> str:
        return self.title_en if lang.startswith("en") else self.title_vi

    def where(self, lang: str) -> str:
        return self.where_en if lang.startswith("en") else self.where_vi


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def rules() -> tuple[Rule, ...]:
    found = []
    for row in _rows(SYNONYMS_FILE):
        phrase = tuple(words(row["phrase"]))
        if phrase:
            lang = (row.get("lang") or "").strip()
            means = tuple(tuple(words(m)) for m in (row.get("means") or "").split("|"))
            found.append(Rule(phrase, tuple(m for m in means if m), lang))
    # The longest phrase first: "mất việc" before "mất".
    return tuple(sorted(found, key=lambda r: -len(r.phrase)))


@cache
def elsewhere_answers() -> tuple[Elsewhere, ...]:
    return tuple(
        Elsewhere(
            key=row["key"],
            triggers=tuple(tuple(words(t)) for t in row["triggers"].split("|") if words(t)),
            title_vi=row["title_vi"],
            title_en=row["title_en"] or row["title_vi"],
            where_vi=row["where_vi"],
            where_en=row["where_en"] or row["where_vi"],
            url=row["url"],
        )
        for row in _rows(ELSEWHERE_FILE)
    )


@cache
def english_names() -> dict[str, str]:
    """The procedures' English names: the catalogue's English data (one file for the
    pages and for search)."""
    from .english import names

    return {code: name for (kind, code), name in names().items() if kind == "procedure"}


@cache
def popular_codes() -> tuple[str, ...]:
    return tuple(row["code"] for row in _rows(POPULAR_FILE))


@cache
def _english_rule_words() -> frozenset[str]:
    """The words of the English synonyms (not the fillers): a query using one is
    English."""
    found: set[str] = set()
    for r in rules():
        if r.lang == "en" and r.means:
            found.update(r.phrase)
    return frozenset(found)


@cache
def data_version() -> str:
    """Changes with any data file: part of the key of a cached answer (the shared
    cache outlives a deployment that ships new synonyms)."""
    digest = hashlib.sha256()
    for path in (SYNONYMS_FILE, ELSEWHERE_FILE, NAMES_EN_FILE):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:16]


def forget_data() -> None:
    for loaded in (
        data_version,
        _english_rule_words,
        rules,
        elsewhere_answers,
        english_names,
        popular_codes,
    ):
        loaded.cache_clear()


# --- the index -------------------------------------------------------------------


@dataclass
class Concept:
    """One thing the query asks for: its words, each with how much it counts."""

    options: dict[str, float]
    weight: float


@dataclass
class Query:
    concepts: list[Concept] = field(default_factory=list)
    sequence: list[str] = field(default_factory=list)  # in order, for bigrams
    elsewhere: list[Elsewhere] = field(default_factory=list)
    triggers: list[tuple[str, ...]] = field(default_factory=list)  # the phrases found
    elsewhere_words: set[str] = field(default_factory=set)  # theirs, and their synonyms'


class Index:
    """Built once per catalogue version from (key, {field: text}) records."""

    def __init__(self, records: list[tuple[object, dict[str, str]]]):
        self.keys = [key for key, _ in records]
        n = len(records)
        tf: list[dict[str, dict[str, int]]] = []
        lengths: dict[str, list[int]] = defaultdict(list)
        self.name_bigrams: list[set[tuple[str, str]]] = []
        names: list[tuple[frozenset[str], ...]] = []  # each name's distinct words
        vietnamese: set[str] = set()
        english: set[str] = set()
        for _, fields in records:
            counts: dict[str, dict[str, int]] = {}
            bigrams: set[tuple[str, str]] = set()
            for name in FIELD_WEIGHTS:
                tokens = words(fields.get(name, ""))
                lengths[name].append(len(tokens))
                c: dict[str, int] = defaultdict(int)
                for t in tokens:
                    c[t] += 1
                counts[name] = c
                if name in NAME_FIELDS:
                    bigrams.update(zip(tokens, tokens[1:], strict=False))
                (english if name == "name_en" else vietnamese).update(tokens)
            tf.append(counts)
            self.name_bigrams.append(bigrams)
            names.append(tuple(frozenset(counts[f]) for f in NAME_FIELDS if counts[f]))
        average = {f: (sum(v) / len(v) if v and sum(v) else 1.0) for f, v in lengths.items()}
        df: dict[str, int] = defaultdict(int)
        for counts in tf:
            for t in set().union(*(c.keys() for c in counts.values())):
                df[t] += 1
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.idf_unknown = math.log(1 + (n + 0.5) / 0.5)
        # term → {document: its BM25F part}; the query only adds these up.
        self.contrib: dict[str, dict[int, float]] = defaultdict(dict)
        self.in_name: dict[str, set[int]] = defaultdict(set)
        for i, counts in enumerate(tf):
            pseudo: dict[str, float] = defaultdict(float)
            for name, c in counts.items():
                norm = 1 - B + B * lengths[name][i] / average[name]
                for t, k in c.items():
                    pseudo[t] += FIELD_WEIGHTS[name] * k / norm
                    if name in NAME_FIELDS:
                        self.in_name[t].add(i)
            for t, x in pseudo.items():
                self.contrib[t][i] = self.idf[t] * x * (K1 + 1) / (K1 + x)
        # Each name's words, and their rarity added up (see _fit).
        self.names = [tuple((n, sum(self.idf[t] for t in n)) for n in doc) for doc in names]
        self.vocabulary = frozenset(df)
        self.english_only = frozenset(english - vietnamese)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        for w in self.vocabulary:
            if len(w) >= 3:
                for d in _deletions(w):
                    self._deletes[d].add(w)

    # -- the query --

    def parse(self, text: str) -> Query:
        tokens = words(text)
        query = Query()
        if not tokens:
            return query
        english = any(t in self.english_only or t in _english_rule_words() for t in tokens)
        for answer, found in _elsewhere(tokens):
            query.elsewhere.append(answer)
            query.triggers.extend(found)
            query.elsewhere_words.update(t for trigger in found for t in trigger)
        applicable = [r for r in rules() if r.lang in ("", "en" if english else "vi")]
        plain: list[tuple[str, float]] = []  # (word, weight) before typo handling
        i = 0
        while i < len(tokens):
            rule = next((r for r in applicable if _starts(tokens, i, r.phrase)), None)
            if rule is None:
                plain.append((tokens[i], 1.0))
                query.sequence.append(tokens[i])
                i += 1
                continue
            i += len(rule.phrase)
            if not rule.means:
                continue  # a filler
            meant = rule.words()
            if query.elsewhere_words.intersection(rule.phrase):
                query.elsewhere_words.update(meant)
            for t in rule.phrase:
                if t not in meant:
                    query.concepts.append(Concept({t: 1.0}, REWRITTEN))
            query.concepts.extend(rule.concepts())
            query.sequence.extend(rule.means[0])
        for position, (t, weight) in enumerate(plain):
            last = position == len(plain) - 1
            query.concepts.extend(self._concepts(t, weight, last=last))
        # A word asked twice ("đổi bằng lái xe" → "giấy phép lái xe" + "xe") counts once.
        once: dict[tuple[str, ...], Concept] = {}
        for concept in query.concepts:
            key = tuple(sorted(concept.options))
            if key not in once or once[key].weight < concept.weight:
                once[key] = concept
        query.concepts = list(once.values())
        return query

    def _concepts(self, t: str, weight: float, *, last: bool) -> list[Concept]:
        if t in self.vocabulary:
            return [Concept({t: 1.0}, weight)]
        split = self._split(t)
        if split:
            return [Concept({part: 1.0}, weight) for part in split]
        options = {t: 1.0}
        for w in self._near(t):
            options[w] = TYPO
        if last and len(options) == 1:  # still being typed: the commonest words it begins
            begun = [w for w in self.vocabulary if w.startswith(t)]
            for w in sorted(begun, key=lambda w: (-len(self.contrib[w]), w))[:PREFIXES]:
                options[w] = PREFIX
        return [Concept(options, weight)]

    def _split(self, t: str) -> list[str] | None:
        """Two words typed together ("khaisinh")."""
        if len(t) < 5 or not t.isalpha():
            return None
        best = None
        for cut in range(2, len(t) - 1):
            a, b = term(t[:cut]), term(t[cut:])
            known = a in self.vocabulary and b in self.vocabulary
            if known and (best is None or min(len(a), len(b)) > min(len(x) for x in best)):
                best = [a, b]
        return best

    def _near(self, t: str) -> list[str]:
        """Catalogue words one edit (or a swap of two letters) away; for three-letter
        words, only a doubled letter ("xee")."""
        if len(t) < 3:
            return []
        if len(t) == 3:
            return [t[:2]] if t[1] == t[2] and t[:2] in self.vocabulary else []
        found = set(self._deletes.get(t, ()))
        for d in _deletions(t):
            if d in self.vocabulary:
                found.add(d)
            found.update(self._deletes.get(d, ()))
        near = [w for w in found if _one_edit(t, w)]
        return sorted(near, key=lambda w: (-len(self.contrib[w]), w))[:3]

    # -- ranking --

    def _fit(self, name: frozenset[str], whole: float, asked: set[str]) -> float:
        """The share of the name (its words weighed by rarity) that the query asked for."""
        return sum(self.idf[t] for t in asked if t in name) / whole if whole else 0.0

    def _named(self, doc: int, phrase: tuple[str, ...]) -> bool:
        return all(doc in self.in_name.get(t, ()) for t in phrase)

    def search(self, query: Query) -> list[tuple[object, float]]:
        """(key, score) of the records listed for the query, best first."""
        if not query.concepts:
            return []
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, float] = defaultdict(float)
        rarities = [
            max(self.idf.get(t, 0.0) * f for t, f in c.options.items()) for c in query.concepts
        ]
        known = [r for r in rarities if r]
        # A word the catalogue never uses counts as much as the query's others, on average.
        unknown = sum(known) / len(known) if known else self.idf_unknown
        rarities = [r or unknown for r in rarities]
        total = 0.0
        for concept, rarity in zip(query.concepts, rarities, strict=True):
            total += concept.weight * rarity
            best: dict[int, float] = {}
            for t, f in concept.options.items():
                for doc, part in self.contrib.get(t, {}).items():
                    best[doc] = max(best.get(doc, 0.0), f * part)
            for doc, part in best.items():
                scores[doc] += concept.weight * part
                matched[doc] += concept.weight * rarity
        for a, b in zip(query.sequence, query.sequence[1:], strict=False):
            bonus = BIGRAM * (self.idf.get(a, 0.0) + self.idf.get(b, 0.0)) / 2
            for doc in scores:
                if (a, b) in self.name_bigrams[doc]:
                    scores[doc] += bonus
        if total <= 0:
            return []
        # Of two names holding the query's words, the one with fewer other words fits
        # better: "đăng ký hộ kinh doanh" is the registration, not its change.
        asked = {t for c in query.concepts for t in c.options}
        for doc in scores:
            fits = (self._fit(name, whole, asked) for name, whole in self.names[doc])
            scores[doc] += NAME_FIT * max(fits, default=0.0)
        # A service handled elsewhere, and little else asked: only procedures named for
        # it, if any ("hộ chiếu" lists no procedure that merely mentions a passport).
        rest = sum(
            c.weight * r
            for c, r in zip(query.concepts, rarities, strict=True)
            if not query.elsewhere_words.intersection(c.options)
        )
        only_elsewhere = bool(query.triggers) and rest <= ELSEWHERE_REST * (total - rest)
        listed = [
            doc
            for doc in scores
            if matched[doc] / total >= MIN_COVERAGE
            and (not only_elsewhere or any(self._named(doc, t) for t in query.triggers))
        ]
        listed.sort(key=lambda doc: (-scores[doc], str(self.keys[doc])))
        return [(self.keys[doc], scores[doc]) for doc in listed]


def elsewhere_for(text: str) -> list[Elsewhere]:
    """The services named in `text` that the province does not handle."""
    return [answer for answer, _ in _elsewhere(words(text))]


def _elsewhere(tokens: list[str]) -> list[tuple[Elsewhere, list[tuple[str, ...]]]]:
    found = []
    for answer in elsewhere_answers():
        triggers = [trigger for trigger in answer.triggers if _contains(tokens, trigger)]
        if triggers:
            found.append((answer, triggers))
    return found


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    return any(_starts(tokens, i, phrase) for i in range(len(tokens) - len(phrase) + 1))


def _starts(tokens: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(tokens[i : i + len(phrase)]) == phrase


def _deletions(w: str) -> set[str]:
    return {w[:i] + w[i + 1 :] for i in range(len(w))}


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance 1: one letter added, dropped, changed, or two
    neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
