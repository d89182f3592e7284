"""Vaccination certificates in the EU Digital COVID Certificate format Vietnam adopted
in 2021 (Giấy chứng nhận tiêm chủng / "hộ chiếu vắc xin"): a CBOR Web Token whose
claim -260 holds the health certificate (schema 1.3, `v` entries), signed as a
COSE_Sign1 with ES256, zlib-compressed, base45-encoded and prefixed `HC1:`.

Pure functions, no database: building the claim, the unique certificate identifier
(UVCI) with its check character, issuer keys (`kid` = the first 8 bytes of the SHA-256
of the public key's DER, as the EU specification derives it from the signer's DER
certificate), the public trust list, the revocation list (by UVCI hash) and offline
verification with the trust list alone.

References: eHealth Network, "Technical Specifications for EU Digital COVID Certificates,
Volume 1" (CWT claims, COSE, kid, HC1 transport), the DCC schema 1.3.0 and its value
sets (`ehn-dcc-development/ehn-dcc-schema`), "Guidelines on verifiable vaccination
certificates – basic interoperability elements", Annex 2 (UVCI and its Luhn mod N
check character).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import base45
import cbor2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pycose.algorithms import Es256
from pycose.headers import KID, Algorithm
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import CoseMessage, Sign1Message

PREFIX = "HC1:"
COUNTRY = "VN"
SCHEMA_VERSION = "1.3.0"
COVID_19 = "840539006"  # SNOMED CT: the disease targeted (value set disease-agent-targeted)
CWT_ISS, CWT_EXP, CWT_IAT, CWT_HCERT = 1, 4, 6, -260
CWT_TAG = 61
ALG = "ES256"
UVCI_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:"  # Luhn mod 38, as the guidelines say
UVCI_PREFIX = f"URN:UVCI:01:{COUNTRY}:"


class DccError(ValueError):
    """A certificate that does not verify; `reason` is a stable code."""

    def __init__(self, reason: str, message: str = ""):
        super().__init__(message or reason)
        self.reason = reason


@dataclass(frozen=True)
class Product:
    """One COVID-19 vaccine as the DCC value sets name it."""

    vp: str  # vaccine-prophylaxis
    mp: str  # vaccine-medicinal-product
    ma: str  # vaccine-mah-manf
    name: str


# The products Vietnam gave, by their CVX code (the code an Immunization row carries).
PRODUCTS: dict[str, Product] = {
    "208": Product("1119349007", "EU/1/20/1528", "ORG-100030215", "Comirnaty (Pfizer-BioNTech)"),
    "207": Product("1119349007", "EU/1/20/1507", "ORG-100031184", "Spikevax (Moderna)"),
    "210": Product("J07BX03", "EU/1/21/1529", "ORG-100001699", "Vaxzevria (AstraZeneca)"),
    "510": Product("J07BX03", "BBIBP-CorV", "ORG-100020693", "BBIBP-CorV (Sinopharm)"),
}


# ---------------------------------------------------------------- UVCI


def uvci_check_character(text: str) -> str:
    """The Luhn mod N check character of `text` over `UVCI_CHARSET`, computed over the
    whole identifier (prefix included), right to left with factors 2, 1, 2…"""
    n = len(UVCI_CHARSET)
    total, factor = 0, 2
    for char in reversed(text):
        addend = factor * UVCI_CHARSET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return UVCI_CHARSET[(n - total % n) % n]


def new_uvci(issuer_code: str = "BYT") -> str:
    """`URN:UVCI:01:VN:<issuer>/<20 random characters>#<check>`: unique without a
    counter (100 bits of randomness), upper-case, from the guidelines' character set."""
    alphabet = UVCI_CHARSET[:36]
    opaque = "".join(secrets.choice(alphabet) for _ in range(20))
    body = f"{UVCI_PREFIX}{issuer_code}/{opaque}"
    return f"{body}#{uvci_check_character(body)}"


def is_valid_uvci(value: str) -> bool:
    body, sep, check = value.rpartition("#")
    if not sep or len(check) != 1 or not body.startswith("URN:UVCI:"):
        return False
    if any(ch not in UVCI_CHARSET for ch in body):
        return False
    return uvci_check_character(body) == check


def revocation_hash(uvci: str) -> str:
    """The UCI hash of the DCC revocation scheme: the first 16 bytes of the SHA-256 of
    the identifier, base64."""
    return base64.b64encode(hashlib.sha256(uvci.encode("ascii")).digest()[:16]).decode("ascii")


def revocation_list(uvcis: Iterable[str]) -> dict:
    return {"hashType": "UCI", "hashes": sorted(revocation_hash(u) for u in uvcis)}


# ---------------------------------------------------------------- the claim


def icao_transliteration(name: str) -> str:
    """The machine-readable form of a name (ICAO 9303): Latin capitals without marks,
    `Đ` as `D`, every other separator as `<`."""
    decomposed = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    out = "".join(ch if "A" <= ch <= "Z" else "<" for ch in plain.strip())
    while "<<" in out:
        out = out.replace("<<", "<")
    return out.strip("<")[:80]


@dataclass(frozen=True)
class Dose:
    """One COVID-19 dose for a `v` entry."""

    cvx: str
    dose_number: int
    series_doses: int
    date: datetime.date
    uvci: str
    issuer: str = "Bộ Y tế (Ministry of Health of Viet Nam)"
    country: str = COUNTRY


def vaccination_entry(dose: Dose) -> dict:
    product = PRODUCTS.get(dose.cvx)
    if product is None:
        raise DccError("unknown_product", f"no DCC product for vaccine code {dose.cvx!r}")
    if not 1 <= dose.dose_number <= 9 or not 1 <= dose.series_doses <= 9:
        raise DccError("bad_dose_number")
    return {
        "tg": COVID_19,
        "vp": product.vp,
        "mp": product.mp,
        "ma": product.ma,
        "dn": dose.dose_number,
        "sd": max(dose.series_doses, dose.dose_number),
        "dt": dose.date.isoformat(),
        "co": dose.country,
        "is": dose.issuer[:80],
        "ci": dose.uvci,
    }


def build_hcert(
    *, family_name: str, given_name: str, birth_date: datetime.date | str, dose: Dose
) -> dict:
    """The health certificate (schema 1.3.0) of one vaccination: the EU format holds one
    `v` entry per certificate (the latest dose, `dn`/`sd`)."""
    dob = birth_date if isinstance(birth_date, str) else birth_date.isoformat()
    return {
        "ver": SCHEMA_VERSION,
        "nam": {
            "fn": family_name[:80],
            "fnt": icao_transliteration(family_name),
            "gn": given_name[:80],
            "gnt": icao_transliteration(given_name),
        },
        "dob": dob,
        "v": [vaccination_entry(dose)],
    }


def build_claim(
    hcert: dict, *, issued_at: datetime.datetime, expires_at: datetime.datetime
) -> dict:
    return {
        CWT_ISS: COUNTRY,
        CWT_IAT: int(issued_at.timestamp()),
        CWT_EXP: int(expires_at.timestamp()),
        CWT_HCERT: {1: hcert},
    }


# ---------------------------------------------------------------- keys


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def kid_for(public_key: ec.EllipticCurvePublicKey) -> bytes:
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).digest()[:8]


def kid_text(kid: bytes) -> str:
    return base64.b64encode(kid).decode("ascii")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict:
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }


def trust_list_entry(public_key: ec.EllipticCurvePublicKey) -> dict:
    return {"kid": kid_text(kid_for(public_key)), "alg": ALG, "jwk": public_jwk(public_key)}


def private_key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key(pem: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise DccError("bad_key", "a DCC issuer key is ECDSA P-256")
    return key


# ---------------------------------------------------------------- sign / verify


def sign_hc1(claim: dict, *, key: ec.EllipticCurvePrivateKey) -> str:
    """`HC1:` + base45(zlib(COSE_Sign1)); the `kid` in the protected header."""
    numbers = key.private_numbers()
    cose_key = EC2Key(
        crv=P256,
        x=numbers.public_numbers.x.to_bytes(32, "big"),
        y=numbers.public_numbers.y.to_bytes(32, "big"),
        d=numbers.private_value.to_bytes(32, "big"),
    )
    message = Sign1Message(
        phdr={Algorithm: Es256, KID: kid_for(key.public_key())}, payload=cbor2.dumps(claim)
    )
    message.key = cose_key
    return PREFIX + base45.b45encode(zlib.compress(message.encode(), 9)).decode("ascii")


@dataclass(frozen=True)
class Verified:
    kid: str
    issuer: str
    issued_at: datetime.datetime
    expires_at: datetime.datetime
    hcert: dict

    @property
    def uvci(self) -> str:
        return self.hcert["v"][0]["ci"]


def _cose_bytes(text: str) -> bytes:
    text = text.strip()
    if not text.startswith(PREFIX):
        raise DccError("not_hc1", "not an HC1 certificate")
    try:
        compressed = base45.b45decode(text[len(PREFIX) :])
    except ValueError as exc:
        raise DccError("bad_base45") from exc
    try:
        raw = zlib.decompressobj().decompress(compressed, 64 * 1024)
    except zlib.error as exc:
        raise DccError("bad_zlib") from exc
    try:
        item = cbor2.loads(raw)
    except (cbor2.CBORDecodeError, ValueError) as exc:
        raise DccError("bad_cbor") from exc
    if isinstance(item, cbor2.CBORTag) and item.tag == CWT_TAG:  # CWT tag around COSE
        return cbor2.dumps(item.value)
    return raw


def _trusted_keys(trust_list: dict) -> dict[bytes, EC2Key]:
    keys = {}
    for entry in trust_list.get("keys", []):
        if entry.get("alg") != ALG or entry.get("jwk", {}).get("crv") != "P-256":
            continue
        jwk = entry["jwk"]
        keys[base64.b64decode(entry["kid"])] = EC2Key(
            crv=P256, x=_unb64url(jwk["x"]), y=_unb64url(jwk["y"])
        )
    return keys


def verify_hc1(
    text: str,
    *,
    trust_list: dict,
    revoked: dict | None = None,
    now: datetime.datetime | None = None,
) -> Verified:
    """Check an `HC1:` text offline against a trust list (`{"keys": [{"kid", "alg",
    "jwk"}]}`) and, when given, a revocation list; raise `DccError` with the reason."""
    try:
        message = CoseMessage.decode(_cose_bytes(text))
    except DccError:
        raise
    except Exception as exc:  # pycose raises its own and plain errors on a bad structure
        raise DccError("bad_cose") from exc
    if not isinstance(message, Sign1Message):
        raise DccError("bad_cose")
    kid: bytes = message.phdr.get(KID) or message.uhdr.get(KID) or b""
    key = _trusted_keys(trust_list).get(kid)
    if key is None:
        raise DccError("unknown_kid", "the issuer key is not in the trust list")
    if message.phdr.get(Algorithm) is not Es256:
        raise DccError("bad_algorithm")
    message.key = key
    try:
        valid = message.verify_signature()
    except Exception as exc:
        raise DccError("bad_signature") from exc
    if not valid:
        raise DccError("bad_signature", "the signature does not match")
    try:
        claim = cbor2.loads(message.payload or b"")
        hcert = claim[CWT_HCERT][1]
        issued = datetime.datetime.fromtimestamp(claim[CWT_IAT], datetime.UTC)
        expires = datetime.datetime.fromtimestamp(claim[CWT_EXP], datetime.UTC)
        hcert["v"][0]["ci"]
    except (cbor2.CBORDecodeError, KeyError, IndexError, TypeError, ValueError) as exc:
        raise DccError("bad_claim") from exc
    moment = now or datetime.datetime.now(datetime.UTC)
    if expires <= moment:
        raise DccError("expired", "the certificate has expired")
    if issued > moment + datetime.timedelta(minutes=5):
        raise DccError("not_yet_valid")
    verified = Verified(
        kid=kid_text(kid),
        issuer=claim.get(CWT_ISS, ""),
        issued_at=issued,
        expires_at=expires,
        hcert=hcert,
    )
    if revoked and revocation_hash(verified.uvci) in set(revoked.get("hashes", [])):
        raise DccError("revoked", "the certificate was revoked")
    return verified
