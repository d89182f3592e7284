import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.identity import (
    BIRTH_PROVINCE_CODES,
    InvalidIdentifier,
    mask_id,
    mask_ids_in_text,
    parse_personal_id,
    validate_tax_code,
)

TODAY = datetime.date(2026, 11, 23)


@st.composite
def personal_ids(draw):
    """(number, birth year, sex) for anyone born 1900..today."""
    year = draw(st.integers(min_value=1900, max_value=TODAY.year))
    sex = draw(st.sampled_from(["male", "female"]))
    province = draw(st.sampled_from(sorted(BIRTH_PROVINCE_CODES)))
    digit = (year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    tail = draw(st.integers(min_value=0, max_value=999_999))
    return f"{province}{digit}{year % 100:02d}{tail:06d}", year, sex


@given(personal_ids())
def test_valid_ids_parse_and_give_back_sex_and_birth_year(case):
    number, year, sex = case
    info = parse_personal_id(number, birth_year=year, sex=sex, today=TODAY)
    assert (info.birth_year, info.sex, info.birth_province) == (year, sex, number[:3])


@given(personal_ids())
def test_the_other_sex_is_refused(case):
    number, year, sex = case
    other = "female" if sex == "male" else "male"
    with pytest.raises(InvalidIdentifier, match="giới tính"):
        parse_personal_id(number, birth_year=year, sex=other, today=TODAY)


@given(personal_ids(), st.integers(min_value=1, max_value=99))
def test_another_birth_year_is_refused(case, shift):
    number, year, sex = case
    with pytest.raises(InvalidIdentifier, match="năm sinh"):
        parse_personal_id(number, birth_year=year - shift, sex=sex, today=TODAY)


@given(st.text(max_size=20).filter(lambda s: not (len(s.strip()) == 12 and s.strip().isdigit())))
def test_anything_but_twelve_digits_is_refused(text):
    with pytest.raises(InvalidIdentifier):
        parse_personal_id(text, today=TODAY)


@given(st.sampled_from([f"{c:03d}" for c in range(1000) if f"{c:03d}" not in BIRTH_PROVINCE_CODES]))
def test_unknown_province_codes_are_refused(code):
    with pytest.raises(InvalidIdentifier, match="mã tỉnh"):
        parse_personal_id(f"{code}090123456", today=TODAY)


def test_a_birth_year_in_the_future_is_refused():
    # century digit 2 = 21st century male; 2099 has not come yet
    with pytest.raises(InvalidIdentifier, match="trong tương lai"):
        parse_personal_id("022299123456", today=TODAY)


def test_21st_century_digits():
    info = parse_personal_id("001305012345", today=TODAY)
    assert info.birth_year == 2005 and info.sex == "female"


@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_masking_keeps_only_four_first_and_two_last_digits(number):
    masked = mask_id(number)
    assert masked == number[:4] + "******" + number[-2:]
    assert number not in mask_ids_in_text(f"công dân {number} nộp hồ sơ")


def test_masking_in_text_leaves_other_numbers():
    assert mask_ids_in_text("hồ sơ 2024 của 001203004512, sđt 0912345678") == (
        "hồ sơ 2024 của 0012******12, sđt 0912345678"
    )


@pytest.mark.parametrize("code", ["0100109106", "0100109106-001"])
def test_business_tax_codes(code):
    assert validate_tax_code(code) == code


@pytest.mark.parametrize("code", ["", "123", "0100109106-01", "01001091060", "abcdefghij"])
def test_bad_tax_codes(code):
    with pytest.raises(InvalidIdentifier):
        validate_tax_code(code)


TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _with_check_digit(first_nine: str) -> str | None:
    remainder = sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True)) % 11
    return None if remainder == 0 else first_nine + str(10 - remainder)


def test_tax_code_check_digit_examples():
    """Circular 105/2020/TT-BTC: 0100109106 is a real code; 0100109107 is not."""
    assert validate_tax_code("0100109106") == "0100109106"
    assert validate_tax_code("0100109106-001") == "0100109106-001"
    for wrong in ("0100109107", "0100109107-001", "0100109100"):
        with pytest.raises(InvalidIdentifier):
            validate_tax_code(wrong)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9))
def test_tax_code_accepts_exactly_its_check_digit(first_nine, digit):
    code = first_nine + str(digit)
    expected = _with_check_digit(first_nine)
    if code == expected:
        assert validate_tax_code(code) == code
        assert validate_tax_code(code + "-123") == code + "-123"
    else:
        with pytest.raises(InvalidIdentifier):
            validate_tax_code(code)
