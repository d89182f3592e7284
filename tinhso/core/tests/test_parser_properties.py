"""Properties of the parsers that read what strangers type, beyond the identity
numbers and working days (tested in their own modules): report periods, accent
folding and catalogue search, upload names and content sniffing, throttle keys."""

import calendar
import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tinhso.core import throttle, uploads
from tinhso.core.errors import ValidationFailed
from tinhso.core.text import fold
from tinhso.monitoring.selectors import parse_period

TODAY = datetime.date(2026, 6, 15)
years = st.integers(min_value=2000, max_value=TODAY.year - 1)


@given(years, st.integers(min_value=1, max_value=12))
def test_a_month_is_its_first_to_its_last_day(year, month):
    first, last = parse_period(f"{year}-{month:02d}", today=TODAY)
    assert first == datetime.date(year, month, 1)
    assert last == datetime.date(year, month, calendar.monthrange(year, month)[1])


@given(years, st.integers(min_value=1, max_value=4))
def test_a_quarter_is_its_three_months(year, quarter):
    first, last = parse_period(f"{year}-Q{quarter}", today=TODAY)
    months = [
        parse_period(f"{year}-{m:02d}", today=TODAY)
        for m in range(3 * quarter - 2, 3 * quarter + 1)
    ]
    assert (first, last) == (months[0][0], months[-1][1])


@given(years)
def test_a_year_is_its_four_quarters(year):
    first, last = parse_period(str(year), today=TODAY)
    assert (first, last) == (
        parse_period(f"{year}-Q1", today=TODAY)[0],
        parse_period(f"{year}-Q4", today=TODAY)[1],
    )


@given(st.text(max_size=20))
@example("0000-01")
@example("0000-Q1")
@example("0000")
@example("2026-13")
@example("9999-12")
def test_any_text_is_a_period_or_a_clear_refusal(text):
    try:
        first, last = parse_period(text, today=TODAY)
    except ValidationFailed as exc:
        assert exc.fields.get("period")
    else:
        assert datetime.date(2000, 1, 1) <= first <= TODAY and first <= last


@given(st.text(max_size=60))
def test_folding_is_idempotent_lowercase_and_accent_free(text):
    once = fold(text)
    assert fold(once) == once
    assert once == once.lower()
    assert "đ" not in once and "Đ" not in once
    assert once == " ".join(once.split())


VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)


@given(st.text(alphabet=VIETNAMESE + " ", max_size=40))
def test_folding_forgets_only_accents_and_case(text):
    folded = fold(text)
    assert folded == fold(folded.upper())
    assert all(ch == " " or ch.isascii() for ch in folded)
    assert len(folded.replace(" ", "")) == len("".join(text.split()))


@pytest.mark.django_db
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_catalogue_search_takes_any_text_and_ignores_accents(text):
    from tinhso.procedures.selectors import procedures

    found = [p.code for p in procedures(q=text)]
    assert found == [p.code for p in procedures(q=fold(text))]


@given(st.text(max_size=300))
@example("../../etc/passwd.pdf")
@example("..\\..\\windows\\win.ini")
@example("a\x00b.pdf")
@example("\u202egnp.exe")
def test_a_display_name_is_never_a_path(raw):
    name = uploads.clean_display_name(raw)
    assert 1 <= len(name) <= 120
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in {".", ".."} and not name.startswith(".")
    assert all(ch.isprintable() for ch in name)


@given(st.binary(max_size=32))
def test_sniffing_believes_only_the_magic_bytes(head):
    kind = uploads.sniff(head)
    if kind is None:
        assert not any(head.startswith(magic) for magic, _ in uploads.SIGNATURES.values())
    else:
        assert head.startswith(uploads.SIGNATURES[kind][0])


@given(st.text(max_size=500))
def test_throttle_keys_are_stored_as_digests_of_one_length(key):
    stored = throttle.stored_key(key)
    assert len(stored) == 40 and all(c in "0123456789abcdef" for c in stored)
    assert stored == throttle.stored_key(key)
