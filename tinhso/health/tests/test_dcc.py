"""The HC1 format end to end without the database: sign, then verify offline with the
trust list alone; every tampering is refused with its reason."""

from __future__ import annotations

import base64
import datetime
import zlib

import base45
import cbor2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import CoseMessage

from tinhso.health import dcc

NOW = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)


def _dose(**overrides):
    values = {
        "cvx": "208",
        "dose_number": 2,
        "series_doses": 2,
        "date": datetime.date(2021, 9, 15),
        "uvci": dcc.new_uvci(),
    }
    values.update(overrides)
    return dcc.Dose(**values)


def _signed(key, dose=None, *, expires=None):
    hcert = dcc.build_hcert(
        family_name="Nguyễn",
        given_name="Văn Đức",
        birth_date=datetime.date(1990, 1, 2),
        dose=dose or _dose(),
    )
    claim = dcc.build_claim(
        hcert,
        issued_at=NOW - datetime.timedelta(days=1),
        expires_at=expires or NOW + datetime.timedelta(days=365),
    )
    return dcc.sign_hc1(claim, key=key)


@pytest.fixture(scope="module")
def key():
    return dcc.generate_private_key()


@pytest.fixture(scope="module")
def trust_list(key):
    return {"keys": [dcc.trust_list_entry(key.public_key())]}


def test_a_signed_certificate_verifies_with_the_trust_list(key, trust_list):
    text = _signed(key)
    assert text.startswith("HC1:")
    verified = dcc.verify_hc1(text, trust_list=trust_list, now=NOW)
    entry = verified.hcert["v"][0]
    assert verified.issuer == "VN"
    assert entry["tg"] == "840539006"
    assert (entry["mp"], entry["ma"], entry["dn"], entry["sd"]) == (
        "EU/1/20/1528",
        "ORG-100030215",
        2,
        2,
    )
    assert entry["co"] == "VN" and entry["ci"].startswith("URN:UVCI:01:VN:")
    assert verified.hcert["nam"]["fnt"] == "NGUYEN"
    assert verified.hcert["nam"]["gnt"] == "VAN<DUC"
    assert verified.hcert["ver"] == "1.3.0"


def test_the_kid_is_in_the_protected_header_and_is_the_key_hash(key):
    raw = zlib.decompress(base45.b45decode(_signed(key)[4:]))
    message = CoseMessage.decode(raw)
    from pycose.headers import KID

    assert message.phdr[KID] == dcc.kid_for(key.public_key())
    assert len(message.phdr[KID]) == 8


def test_independent_offline_check_with_pycose_cbor2_base45(key, trust_list):
    """What a foreign verifier does, written out without the module's verify."""
    text = _signed(key)
    raw = zlib.decompress(base45.b45decode(text.removeprefix("HC1:")))
    message = CoseMessage.decode(raw)
    from pycose.headers import KID

    entry = next(k for k in trust_list["keys"] if base64.b64decode(k["kid"]) == message.phdr[KID])
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    message.key = EC2Key(
        crv=P256,
        x=base64.urlsafe_b64decode(pad(entry["jwk"]["x"])),
        y=base64.urlsafe_b64decode(pad(entry["jwk"]["y"])),
    )
    assert message.verify_signature()
    claim = cbor2.loads(message.payload)
    assert claim[1] == "VN" and claim[4] > claim[6]
    assert claim[-260][1]["v"][0]["tg"] == "840539006"


def test_another_issuers_key_is_refused(key):
    stranger = dcc.generate_private_key()
    other_list = {"keys": [dcc.trust_list_entry(stranger.public_key())]}
    with pytest.raises(dcc.DccError) as caught:
        dcc.verify_hc1(_signed(key), trust_list=other_list, now=NOW)
    assert caught.value.reason == "unknown_kid"


def test_a_forged_signature_under_a_trusted_kid_is_refused(key, trust_list):
    """A forger copies the trusted kid into the header but signs with their own key."""
    forger = dcc.generate_private_key()
    text = _signed(forger)
    raw = zlib.decompress(base45.b45decode(text[4:]))
    item = cbor2.loads(raw)
    protected = cbor2.loads(item.value[0])
    protected[4] = dcc.kid_for(key.public_key())
    item.value[0] = cbor2.dumps(protected)
    forged = "HC1:" + base45.b45encode(zlib.compress(cbor2.dumps(item))).decode()
    with pytest.raises(dcc.DccError) as caught:
        dcc.verify_hc1(forged, trust_list=trust_list, now=NOW)
    assert caught.value.reason == "bad_signature"


def test_a_changed_payload_is_refused(key, trust_list):
    raw = zlib.decompress(base45.b45decode(_signed(key)[4:]))
    item = cbor2.loads(raw)
    claim = cbor2.loads(item.value[2])
    claim[-260][1]["v"][0]["dn"] = 3
    item.value[2] = cbor2.dumps(claim)
    tampered = "HC1:" + base45.b45encode(zlib.compress(cbor2.dumps(item))).decode()
    with pytest.raises(dcc.DccError) as caught:
        dcc.verify_hc1(tampered, trust_list=trust_list, now=NOW)
    assert caught.value.reason == "bad_signature"


def test_expired_and_revoked_certificates_are_refused(key, trust_list):
    expired = _signed(key, expires=NOW - datetime.timedelta(seconds=1))
    with pytest.raises(dcc.DccError) as caught:
        dcc.verify_hc1(expired, trust_list=trust_list, now=NOW)
    assert caught.value.reason == "expired"

    dose = _dose()
    text = _signed(key, dose)
    revoked = dcc.revocation_list([dose.uvci])
    with pytest.raises(dcc.DccError) as caught:
        dcc.verify_hc1(text, trust_list=trust_list, revoked=revoked, now=NOW)
    assert caught.value.reason == "revoked"
    other = dcc.revocation_list([dcc.new_uvci()])
    assert dcc.verify_hc1(text, trust_list=trust_list, revoked=other, now=NOW)


@pytest.mark.parametrize(
    "text,reason",
    [
        ("HC2:ABC", "not_hc1"),
        ("HC1:%%%%", "bad_base45"),
        ("HC1:" + base45.b45encode(b"not zlib").decode(), "bad_zlib"),
        ("HC1:" + base45.b45encode(zlib.compress(b"\x82\x01")).decode(), "bad_cbor"),
        ("HC1:" + base45.b45encode(zlib.compress(cbor2.dumps([1, 2]))).decode(), "bad_cose"),
    ],
)
def test_garbage_gets_a_reason_not_a_crash(text, reason, trust_list):
    with pytest.raises(dcc.DccError) as caught:
        dcc.verify_hc1(text, trust_list=trust_list, now=NOW)
    assert caught.value.reason == reason


def test_a_product_without_a_dcc_code_is_refused():
    with pytest.raises(dcc.DccError):
        dcc.vaccination_entry(_dose(cvx="03"))


def test_new_uvcis_are_valid_and_distinct():
    uvcis = {dcc.new_uvci() for _ in range(200)}
    assert len(uvcis) == 200
    assert all(dcc.is_valid_uvci(u) and u.startswith("URN:UVCI:01:VN:") for u in uvcis)


@given(
    position=st.integers(min_value=0, max_value=50),
    replacement=st.sampled_from(dcc.UVCI_CHARSET),
)
def test_any_single_character_change_in_a_uvci_is_caught(position, replacement):
    uvci = "URN:UVCI:01:VN:BYT/ABCDEFGHJK0123456789"
    uvci = f"{uvci}#{dcc.uvci_check_character(uvci)}"
    body = uvci[:-2]
    position %= len(body)
    changed = body[:position] + replacement + body[position + 1 :] + uvci[-2:]
    assert dcc.is_valid_uvci(changed) == (changed == uvci)


def test_transliteration_is_icao_capitals():
    assert dcc.icao_transliteration("Trần Thị Ánh Hồng") == "TRAN<THI<ANH<HONG"
    assert dcc.icao_transliteration("Đặng  Đình-Ưng") == "DANG<DINH<UNG"


def test_private_key_round_trips_through_pem(key):
    again = dcc.load_private_key(dcc.private_key_pem(key))
    assert dcc.kid_for(again.public_key()) == dcc.kid_for(key.public_key())
