from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.health import prescription_code as pc

facility_codes = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=5, max_size=5)
kinds = st.sampled_from(pc.KINDS)


@given(facility=facility_codes, kind=kinds)
def test_generated_codes_are_14_characters_and_parse_back(facility, kind):
    code = pc.generate(facility_code=facility, kind=kind)
    assert len(code) == 14 and code[12] == "-"
    assert pc.parse(code) == (facility, code[5:12], kind)
    assert pc.kind_of(code) == kind


@given(facility=facility_codes, kind=kinds, noise=st.sampled_from([" ", "\t", "\n"]))
def test_scanner_noise_and_capitals_are_forgiven(facility, kind, noise):
    code = pc.generate(facility_code=facility, kind=kind)
    typed = noise + code[:7] + noise + code[7:].upper() + noise
    assert pc.parse(typed)[2] == kind
    assert pc.normalize(typed) == code


@given(text=st.text(max_size=20))
def test_arbitrary_text_is_either_a_code_or_refused(text):
    try:
        facility, serial, kind = pc.parse(text)
    except pc.InvalidPrescriptionCode:
        return
    assert len(facility) == 5 and len(serial) == 7 and kind in pc.KINDS


@pytest.mark.parametrize(
    "text",
    [
        "22001abc1234c",  # no dash
        "22001abc1234-x",  # unknown kind
        "22001abc123-cc",  # the dash in the wrong place
        "22001abc12345-c",  # 15 characters
        "22001abc_234-c",
        "",
    ],
)
def test_malformed_codes_are_refused(text):
    assert not pc.is_valid(text)


def test_kinds_are_the_national_letters():
    assert (pc.ORDINARY, pc.NARCOTIC, pc.PSYCHOTROPIC) == ("c", "n", "h")
    assert set(pc.CONTROLLED) == {"n", "h"}


@pytest.mark.parametrize("facility,kind", [("2200", "c"), ("22001", "x"), ("2200-", "c")])
def test_generate_refuses_a_bad_facility_or_kind(facility, kind):
    with pytest.raises(pc.InvalidPrescriptionCode):
        pc.generate(facility_code=facility, kind=kind)
