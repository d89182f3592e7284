"""The BHYT card formats and the chip ID card's QR text."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.identity import InvalidIdentifier
from tinhso.health.identifiers import ChipIdQr, chip_qr_text, parse_bhyt, parse_chip_qr

digits = st.text(alphabet="0123456789", min_size=10, max_size=10)
letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)


@given(group=letters, level=st.integers(1, 5), province=st.integers(1, 99), number=digits)
def test_every_well_formed_card_code_parses_to_its_parts(group, level, province, number):
    code = f"{group}{level}{province:02d}{number}"
    card = parse_bhyt(code.lower())
    assert (card.card_code, card.group, card.benefit_level) == (code, group, level)
    assert card.province == f"{province:02d}"
    assert card.social_insurance_number == number


@given(number=digits)
def test_the_social_insurance_number_alone_is_a_card(number):
    card = parse_bhyt(f" {number[:5]} {number[5:]} ")
    assert card.social_insurance_number == number and card.card_code == ""


@given(text=st.text(max_size=20))
def test_anything_else_is_refused_with_a_reason(text):
    try:
        card = parse_bhyt(text)
    except InvalidIdentifier as exc:
        assert str(exc.message)
    else:
        assert len(card.social_insurance_number) == 10


@pytest.mark.parametrize(
    "code", ["DN4221234567", "DN6221234567890", "DN4001234567890", "1N4221234567890"]
)
def test_bad_card_codes_are_refused(code):
    with pytest.raises(InvalidIdentifier):
        parse_bhyt(code)


CARD = ChipIdQr(
    personal_id="022085001234",
    old_id="123456789",
    full_name="Trần Văn Bình",
    date_of_birth=datetime.date(1985, 3, 4),
    sex="male",
    address="Tổ 5, phường Hạ Long, Quảng Ninh",
    issued_on=datetime.date(2021, 8, 15),
)


def test_a_card_qr_reads_back():
    assert parse_chip_qr(chip_qr_text(CARD)) == CARD
    assert parse_chip_qr("022085001234|123456789|Trần Văn Bình|04031985|Nam|Hạ Long|15082021\r\n")


@given(
    birth=st.dates(datetime.date(1930, 1, 1), datetime.date(2020, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
    tail=st.integers(0, 999999),
    name=st.text(
        alphabet="ÂĂĐÊÔƠƯàáạảãâầấậẩẫăằắặẳẵ abcdeghiklmnopqrstuvxy", min_size=1, max_size=40
    ),
)
def test_any_card_round_trips(birth, sex, tail, name):
    digit = (birth.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    pid = f"022{digit}{birth.year % 100:02d}{tail:06d}"
    card = ChipIdQr(pid, "", name.strip() or "A", birth, sex, "Quảng Ninh", None)
    assert parse_chip_qr(chip_qr_text(card)) == card


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Chưa có nội dung"),
        ("https://example.vn/pay?x=1", "không phải mã QR của thẻ căn cước"),
        ("00020101021238570010A000000727", "không phải mã QR của thẻ căn cước"),
        ("022085001234", "Đây là số định danh"),
        ("022085001234|123456789|Trần Văn Bình", "7 trường"),
        ("022085001234|123456789|Trần Văn Bình|31021985|Nam|Hạ Long|15082021", "ngày có thật"),
        ("022085001234|123456789|Trần Văn Bình|04031985|Khác|Hạ Long|15082021", "Nam hoặc Nữ"),
        ("022185001234|123456789|Trần Văn Bình|04031985|Nam|Hạ Long|15082021", "Số định danh"),
        ("022085001234|123456789|Trần Văn Bình|04031990|Nam|Hạ Long|15082021", "năm sinh"),
        ("022085001234|12345|Trần Văn Bình|04031985|Nam|Hạ Long|15082021", "CMND"),
    ],
)
def test_bad_or_foreign_qr_text_says_what_is_wrong(text, says):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_chip_qr(text)
    assert says in str(exc.value.message)
