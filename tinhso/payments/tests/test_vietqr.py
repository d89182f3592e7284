"""The VietQR payload: built, parsed back, checked by an independent decoder and by
a QR reader."""

from __future__ import annotations

import binascii

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from tinhso.payments import vietqr
from tinhso.payments.vietqr import TransferRequest, VietQRError


def _tlv(text: str) -> dict[str, str]:
    """An independent reading of ID + 2-digit length + value (not the module's)."""
    out, pos = {}, 0
    while pos < len(text):
        tag, size = text[pos : pos + 2], int(text[pos + 2 : pos + 4])
        out[tag] = text[pos + 4 : pos + 4 + size]
        pos += 4 + size
    assert pos == len(text)
    return out


REQUEST = TransferRequest(
    bank_bin="970415", account="113366668888", amount=150000, message="SXD-250301-0007"
)


@pytest.mark.parametrize(
    ("data", "crc"),
    [(b"123456789", 0x29B1), (b"", 0xFFFF), (b"A", 0xB915)],
)
def test_crc_matches_the_published_check_values(data, crc):
    assert vietqr.crc16_ccitt_false(data) == crc


@given(st.binary(max_size=200))
def test_crc_agrees_with_the_standard_library(data):
    assert vietqr.crc16_ccitt_false(data) == binascii.crc_hqx(data, 0xFFFF)


def test_every_field_read_back_by_an_independent_decoder():
    text = vietqr.build(REQUEST)
    top = _tlv(text)
    assert list(top) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert top["00"] == "01"
    assert top["01"] == "12"  # dynamic: with its amount
    merchant = _tlv(top["38"])
    assert merchant == {"00": "A000000727", "01": "00069704150112113366668888", "02": "QRIBFTTA"}
    assert _tlv(merchant["01"]) == {"00": "970415", "01": "113366668888"}
    assert (top["53"], top["54"], top["58"]) == ("704", "150000", "VN")
    assert _tlv(top["62"]) == {"08": "SXD-250301-0007"}
    assert text[-8:-4] == "6304"
    assert int(top["63"], 16) == binascii.crc_hqx(text[:-4].encode(), 0xFFFF)


def test_a_known_payload_keeps_its_crc():
    # Built by hand from DOMAIN.md §11; its CRC from the standard library's CRC-CCITT.
    body = (
        "000201010212"
        "38540010A00000072701240006970415011011336666880208QRIBFTTA"
        "530370454061500005802VN62140810SXD-2503016304"
    )
    text = body + f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"
    parsed = vietqr.parse(text)
    assert parsed == TransferRequest("970415", "1133666688", 150000, "SXD-250301")
    assert vietqr.build(parsed) == text


messages = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 .-_/", max_size=25)


@given(
    bank_bin=st.from_regex(r"[0-9]{6}", fullmatch=True),
    account=st.from_regex(r"[A-Z0-9]{1,19}", fullmatch=True),
    amount=st.none() | st.integers(min_value=1, max_value=vietqr.AMOUNT_MAX),
    message=messages,
)
def test_parse_inverts_build(bank_bin, account, amount, message):
    request = TransferRequest(bank_bin, account, amount, message)
    text = vietqr.build(request)
    assert vietqr.parse(text) == request
    top = _tlv(text)
    assert top["01"] == ("12" if amount is not None else "11")
    assert int(top["63"], 16) == binascii.crc_hqx(text[:-4].encode(), 0xFFFF)


@given(position=st.integers(min_value=0, max_value=200), data=st.data())
def test_any_changed_character_is_refused(position, data):
    text = vietqr.build(REQUEST)
    position %= len(text)
    other = data.draw(st.sampled_from("0123456789ABCDEF").filter(lambda c: c != text[position]))
    with pytest.raises(VietQRError):
        vietqr.parse(text[:position] + other + text[position + 1 :])


@pytest.mark.parametrize(
    "request_",
    [
        TransferRequest("97041", "1", 1000, ""),  # BIN too short
        TransferRequest("970415", "", 1000, ""),
        TransferRequest("970415", "1", 0, ""),
        TransferRequest("970415", "1", 1000, "Hồ sơ có dấu"),
        TransferRequest("970415", "1", 1000, "X" * 26),
    ],
)
def test_what_a_bank_would_not_carry_is_refused(request_):
    with pytest.raises(VietQRError):
        vietqr.build(request_)


def test_a_payload_of_another_scheme_is_refused():
    body = "000201010211" + "26080004ABCD" + "5303704" + "5802VN" + "6304"
    text = body + f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"
    with pytest.raises(VietQRError):
        vietqr.parse(text)


def test_the_qr_image_reads_back_to_the_same_text():
    text = vietqr.build(REQUEST)
    image = Image.open(__import__("io").BytesIO(vietqr.png(text))).convert("L")
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in results] == [text]


def test_the_svg_is_inline_and_titled():
    svg = vietqr.svg(vietqr.build(REQUEST), title="Mã VietQR")
    assert svg.startswith("<svg") and "<title>Mã VietQR</title>" in svg
