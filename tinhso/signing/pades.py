"""PAdES signing and verification for the province's results: pure functions, no
Django, no settings.

* :func:`make_pki` builds the province's small test PKI in memory (ECDSA P-256): a
  root CA, an issuing CA under it, and a timestamping authority (TSA) certificate
  issued by the issuing CA. :class:`Pki` round-trips through PEM files.
* :func:`issue_signer_certificate` issues an officer's signing certificate and
  :func:`make_crl` the issuing CA's CRL.
* :func:`sign_pdf` signs a PDF at PAdES baseline B-T (B-LT when given a CRL to embed)
  with a visible stamp in Vietnamese and a QR code, timestamped by an in-process TSA.
* :func:`verify_pdf` checks every signature of an untrusted PDF against the given
  trust roots and CRLs only, and never raises: bad input gets a
  :class:`Verification` with ``valid=False`` and a reason.

Built on pyHanko (``pyHanko[opentype,qr]``: fontTools + uharfbuzz embed a subset of a
TrueType font so Vietnamese diacritics render; qrcode draws the QR code).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

from asn1crypto import algos, cms, core
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import DEFAULT_BOX_LAYOUT, TextBoxStyle
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tinhso.signing import limits

__all__ = [
    "Pki",
    "SignatureCheck",
    "Verification",
    "issue_signer_certificate",
    "make_crl",
    "make_pki",
    "sign_pdf",
    "verify_pdf",
]

_UTC = datetime.UTC
_MM = 72 / 25.4  # PDF points per millimetre

# The visible stamp: 75 x 30 mm, 10 mm from the right and bottom edges of the page.
STAMP_WIDTH_MM = 75
STAMP_HEIGHT_MM = 30
STAMP_MARGIN_MM = 10
_STAMP_FONT_SIZE = 7
_STAMP_LEADING = 9  # pyHanko's layout needs whole points
_STAMP_INNSEP = 3
_STAMP_BORDER = 1
_STAMP_TEXT_MARGIN = 4


# ---------------------------------------------------------------------------
# The test PKI
# ---------------------------------------------------------------------------

_PKI_FILES = ("root.crt", "root.key", "issuing.crt", "issuing.key", "tsa.crt", "tsa.key")


@dataclass(frozen=True)
class Pki:
    """The province's PKI: three key pairs and their certificates (``cryptography``
    objects). Private keys are unencrypted in memory and in :meth:`to_pem_files`; the
    caller stores those files with mode 0600 (or keeps the keys in an HSM)."""

    root_key: ec.EllipticCurvePrivateKey
    root_cert: x509.Certificate
    issuing_key: ec.EllipticCurvePrivateKey
    issuing_cert: x509.Certificate
    tsa_key: ec.EllipticCurvePrivateKey
    tsa_cert: x509.Certificate

    FILES = _PKI_FILES

    @property
    def crl_url(self) -> str:
        """The CRL distribution point written into the certificates the issuing CA
        issues (read back from the TSA certificate)."""
        return _crl_url_of(self.tsa_cert) or ""

    def to_pem_files(self) -> dict[str, bytes]:
        """PEM bytes by file name: ``root.crt``, ``root.key``, ``issuing.crt``,
        ``issuing.key``, ``tsa.crt``, ``tsa.key`` (keys as unencrypted PKCS#8)."""
        return {
            "root.crt": _cert_pem(self.root_cert),
            "root.key": _key_pem(self.root_key),
            "issuing.crt": _cert_pem(self.issuing_cert),
            "issuing.key": _key_pem(self.issuing_key),
            "tsa.crt": _cert_pem(self.tsa_cert),
            "tsa.key": _key_pem(self.tsa_key),
        }

    @classmethod
    def from_pem_files(cls, files: dict[str, bytes]) -> Pki:
        """The inverse of :meth:`to_pem_files`. Raises ``KeyError`` for a missing
        file and ``ValueError`` for a damaged one or a key that does not match its
        certificate."""
        pki = cls(
            root_key=_load_key(files["root.key"]),
            root_cert=x509.load_pem_x509_certificate(files["root.crt"]),
            issuing_key=_load_key(files["issuing.key"]),
            issuing_cert=x509.load_pem_x509_certificate(files["issuing.crt"]),
            tsa_key=_load_key(files["tsa.key"]),
            tsa_cert=x509.load_pem_x509_certificate(files["tsa.crt"]),
        )
        for key, cert in (
            (pki.root_key, pki.root_cert),
            (pki.issuing_key, pki.issuing_cert),
            (pki.tsa_key, pki.tsa_cert),
        ):
            _require_matching(key, cert)
        return pki


def make_pki(*, province_name: str, crl_url: str) -> Pki:
    """A new PKI for one province, all keys ECDSA P-256 with SHA-256 signatures:

    * root CA "Tỉnh số <province> Root CA" (20 years, pathLen 1);
    * issuing CA "Tỉnh số <province> Issuing CA" signed by the root (10 years,
      pathLen 0);
    * TSA certificate issued by the issuing CA (10 years) with the critical
      extendedKeyUsage timeStamping that RFC 3161 requires and ``crl_url`` as its
      CRL distribution point, like every certificate the issuing CA issues.

    The root has no CRL, so the issuing CA's certificate carries no distribution
    point."""
    now = _now()
    org = f"Tỉnh số {province_name}"
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(common_name=f"{org} Root CA", organisation=org)
    root_cert = (
        _builder(root_name, root_name, root_key.public_key(), now, days=20 * 365)
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )

    issuing_key = ec.generate_private_key(ec.SECP256R1())
    issuing_name = _name(common_name=f"{org} Issuing CA", organisation=org)
    issuing_cert = (
        _builder(issuing_name, root_name, issuing_key.public_key(), now, days=10 * 365)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(_aki(root_cert), critical=False)
        .sign(root_key, hashes.SHA256())
    )

    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa_cert = (
        _builder(
            _name(common_name=f"{org} TSA", organisation=org),
            issuing_name,
            tsa_key.public_key(),
            now,
            days=10 * 365,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_end_entity_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(_aki(issuing_cert), critical=False)
        .add_extension(_crl_dp(crl_url), critical=False)
        .sign(issuing_key, hashes.SHA256())
    )
    return Pki(root_key, root_cert, issuing_key, issuing_cert, tsa_key, tsa_cert)


def issue_signer_certificate(
    pki: Pki,
    *,
    common_name: str,
    organisation: str,
    email: str,
    serial: int | None = None,
    days: int = 730,
) -> tuple[bytes, bytes]:
    """A new ECDSA P-256 key and its end-entity certificate from the issuing CA:
    keyUsage digitalSignature + nonRepudiation (critical), the PKI's CRL
    distribution point, the e-mail as an rfc822Name subjectAltName. Valid from five
    minutes ago (clock skew) for ``days`` days. A common name longer than 64
    characters is cut (RFC 5280's upper bound); an empty one is a ``ValueError``.

    Returns ``(key_pem, cert_pem)``, the key as unencrypted PKCS#8."""
    common_name = (common_name or "").strip()
    if not common_name:
        raise ValueError("a signer certificate needs a common name")
    if days < 1:
        raise ValueError("days must be positive")
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        _builder(
            _name(common_name=common_name[:64], organisation=(organisation or "").strip()),
            pki.issuing_cert.subject,
            key.public_key(),
            _now(),
            days=days,
            serial=serial,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_end_entity_key_usage(), critical=True)
        .add_extension(_aki(pki.issuing_cert), critical=False)
    )
    if pki.crl_url:
        builder = builder.add_extension(_crl_dp(pki.crl_url), critical=False)
    if email and email.strip():
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email.strip())]), critical=False
        )
    cert = builder.sign(pki.issuing_key, hashes.SHA256())
    return _key_pem(key), _cert_pem(cert)


def make_crl(
    pki: Pki,
    *,
    revoked: list[tuple[int, datetime.datetime]],
    next_update_days: int = 7,
) -> bytes:
    """The issuing CA's CRL (DER) listing ``revoked`` as ``(serial, revoked_at)``
    pairs; a naive ``revoked_at`` is taken as UTC. thisUpdate is now, nextUpdate
    ``next_update_days`` later; the CRL number is the issue time in microseconds, so
    it increases from one CRL to the next."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.issuing_cert.subject)
        .last_update(now)
        .next_update(now + datetime.timedelta(days=next_update_days))
        .add_extension(x509.CRLNumber(int(now.timestamp() * 1_000_000)), critical=False)
        .add_extension(_aki(pki.issuing_cert), critical=False)
    )
    for serial, revoked_at in revoked:
        if revoked_at.tzinfo is None:
            revoked_at = revoked_at.replace(tzinfo=_UTC)
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(int(serial))
            .revocation_date(revoked_at.astimezone(_UTC))
            .build()
        )
    return builder.sign(pki.issuing_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


# ---------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------


class _LocalTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA (``DummyTimeStamper``: RFC 3161 tokens signed with a
    key we hold, no network), extended to ECDSA keys: the stock class signs with RSA
    only. Tokens carry an ESS signing-certificate-v2 attribute and embed the issuing
    CA so validators can build the TSA's chain."""

    def _sign_tst_info(self, tst_info_data, md_algorithm, dt):
        private_key = self._private_key()
        if not isinstance(private_key, ec.EllipticCurvePrivateKey):
            return super()._sign_tst_info(tst_info_data, md_algorithm, dt)
        md_algorithm = md_algorithm.lower()
        hash_cls = _HASHES[md_algorithm]
        digest = hashes.Hash(hash_cls())
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                cms.CMSAttribute.load(self._ess_attribute(md_algorithm)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = private_key.sign(signed_attrs.dump(), ec.ECDSA(hash_cls()))
        return signature, signed_attrs

    def _private_key(self):
        if getattr(self, "_key", None) is None:
            self._key = serialization.load_der_private_key(self.tsa_key.dump(), password=None)
        return self._key

    def _ess_attribute(self, md_algorithm: str) -> bytes:
        return _ess_attribute(self.tsa_cert.dump(), md_algorithm)

    def _build_signed_data(self, tst_info_data, md_algorithm, signature, signed_attrs):
        signed_data = super()._build_signed_data(
            tst_info_data, md_algorithm, signature, signed_attrs
        )
        if self.tsa_cert.public_key.algorithm == "ec":
            signed_data["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
                {"algorithm": f"{md_algorithm.lower()}_ecdsa"}
            )
        return signed_data


@functools.lru_cache(maxsize=16)
def _ess_attribute(tsa_cert_der: bytes, md_algorithm: str) -> bytes:
    """The TSA's signing-certificate-v2 attribute, encoded once per certificate:
    building it from asn1crypto values costs ~10 ms a token."""
    return simple_cms_attribute(
        "signing_certificate_v2",
        as_signing_certificate_v2(asn1_x509.Certificate.load(tsa_cert_der), hash_algo=md_algorithm),
    ).dump()


_HASHES = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def sign_pdf(
    pdf: bytes,
    *,
    signer_key_pem: bytes,
    signer_cert_pem: bytes,
    pki: Pki,
    field_name: str = "Signature1",
    stamp_lines: list[str],
    qr_url: str,
    font_path: str | None,
    reason: str,
    location: str,
    embed_crl: bytes | None = None,
) -> bytes:
    """Sign ``pdf`` at PAdES baseline B-T and return the signed file (an incremental
    update: earlier signatures stay valid).

    * CMS: SubFilter ``ETSI.CAdES.detached``, SHA-256, the signer's certificate and
      the issuing CA's embedded, a signature timestamp from the PKI's TSA (in
      process, no network).
    * A visible stamp of 75 x 30 mm at the bottom right of the last page: a QR code
      of ``qr_url`` and ``stamp_lines``, wrapped to fit (and shrunk if there are too
      many), in the TrueType font at ``font_path``, embedded as a subset so
      Vietnamese renders (the first signature in a process spends ~0.5 s preparing
      the font). Without a font the lines fall back to Courier with the diacritics
      removed. A stamp that would cover an earlier signature's is moved up above it.
      The QR code is not a clickable link: a link annotation added by a later
      signature would count as a change to the earlier ones.
    * ``embed_crl``: the issuing CA's current CRL (DER). The signer's and the TSA's
      certificates are then checked against it before signing (a revoked signer is
      a ``pyhanko.sign.general.SigningError``) and the CRL and the chain are put in
      the document security store of the same revision: PAdES B-LT.
    * A ``field_name`` already holding a signature is replaced by the next free
      ``<name>2``, ``<name>3``, ...

    Raises ``ValueError`` when the key does not belong to the certificate or the PDF
    is encrypted, and pyHanko's errors for a PDF it cannot read."""
    signer_key = _load_key(signer_key_pem)
    signer_cert = x509.load_pem_x509_certificate(signer_cert_pem)
    _require_matching(signer_key, signer_cert)

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if writer.prev.encrypted:
        raise ValueError("cannot sign an encrypted PDF")
    field_name = _free_field_name(writer, field_name or "Signature1")
    box = _stamp_box(writer)

    issuing_cert = _asn1_cert(pki.issuing_cert)
    signer = SimpleSigner(
        signing_cert=_asn1_cert(signer_cert),
        signing_key=_asn1_key(signer_key),
        cert_registry=SimpleCertificateStore.from_certs([issuing_cert]),
    )
    timestamper = _LocalTimeStamper(
        tsa_cert=_asn1_cert(pki.tsa_cert),
        tsa_key=_asn1_key(pki.tsa_key),
        certs_to_embed=SimpleCertificateStore.from_certs([issuing_cert]),
    )
    validation_context = None
    if embed_crl is not None:
        validation_context = ValidationContext(
            trust_roots=[_asn1_cert(pki.root_cert)],
            other_certs=[issuing_cert],
            crls=[_load_crl(embed_crl)],
            allow_fetching=False,
            revocation_mode="hard-fail",
        )
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
        signer_key_usage={"non_repudiation"},
        dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
        ),
    )
    text_width = box[2] - box[0] - _qr_side(box) - 2 * _STAMP_BORDER - 2 * _STAMP_TEXT_MARGIN - 2
    lines = [line for line in stamp_lines if line and line.strip()]
    if font_path:
        stamp_font = _StampFont.of(font_path)
        wrapped = _wrap(lines, text_width, stamp_font.width)
        font = stamp_font.factory("".join(wrapped))
    else:
        font = SimpleFontEngineFactory.default_factory()
        lines = [_ascii(line) for line in lines]
        wrapped = _wrap(lines, text_width, lambda s: 0.6 * len(s) * _STAMP_FONT_SIZE)
    style = QRStampStyle(
        stamp_text="%(lines)s",
        text_box_style=TextBoxStyle(
            font=font,
            font_size=_STAMP_FONT_SIZE,
            leading=_STAMP_LEADING,
            box_layout_rule=DEFAULT_BOX_LAYOUT.substitute_margins(
                layout.Margins.uniform(_STAMP_TEXT_MARGIN)
            ),
        ),
        border_width=_STAMP_BORDER,
        border_color=(0.7, 0.05, 0.05),
        background=None,
        innsep=_STAMP_INNSEP,
        qr_inner_size=_qr_side(box) - 2 * _STAMP_INNSEP,
    )
    pdf_signer = PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=SigFieldSpec(sig_field_name=field_name, on_page=-1, box=box),
    )
    out = pdf_signer.sign_pdf(
        writer, appearance_text_params={"lines": "\n".join(wrapped) or " ", "url": qr_url}
    )
    return out.getvalue()


def _qr_side(box: tuple[int, int, int, int]) -> int:
    """The QR code's square (with its padding) takes the stamp's full height."""
    return box[3] - box[1] - 2 * _STAMP_BORDER


# What the stamp's font is cut down to once per process: Latin with Vietnamese
# (precomposed and combining marks), punctuation, currency and letterlike symbols.
_STAMP_REPERTOIRE = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0300, 0x036F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
)


class _StampFont:
    """A TrueType font for stamps, loaded once per path: its advance widths (to
    wrap lines, which pyHanko does not do) and its bytes, whole and cut down to
    :data:`_STAMP_REPERTOIRE`. Subsetting DejaVu Sans's 6,000 glyphs for every
    signature took ~150 ms; from the ~1,200 of the cut-down copy it is a fraction of
    that. Text outside the repertoire uses the whole font."""

    def __init__(self, path: str):
        from fontTools import subset
        from fontTools.ttLib import TTFont

        self.path = path
        with open(path, "rb") as handle:
            self.whole = handle.read()
        font = TTFont(io.BytesIO(self.whole))
        self._cmap = dict(font.getBestCmap() or {})
        metrics = font["hmtx"].metrics
        self._advance = {name: metrics[name][0] for name in metrics}
        self._units = font["head"].unitsPerEm
        self._default = self._advance.get(".notdef", self._units // 2)

        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF"]
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(unicodes=[u for lo, hi in _STAMP_REPERTOIRE for u in range(lo, hi + 1)])
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        self.reduced = out.getvalue()
        self._reduced_chars = frozenset(font.getBestCmap() or {})

    @staticmethod
    @functools.cache
    def of(path: str) -> _StampFont:
        return _StampFont(path)

    def width(self, text: str) -> float:
        """Width in points of ``text`` at the stamp's font size (no kerning)."""
        units = sum(
            self._advance.get(self._cmap.get(ord(ch), ".notdef"), self._default)
            for ch in unicodedata.normalize("NFC", text)
        )
        return units * _STAMP_FONT_SIZE / self._units

    def factory(self, text: str) -> _TrueTypeFontFactory:
        """A font engine factory for a stamp showing ``text``."""
        reduced = all(ord(ch) in self._reduced_chars for ch in text if not ch.isspace())
        return _TrueTypeFontFactory(self.path, font_size=_STAMP_FONT_SIZE, reduced=reduced)


class _GlyphAccumulator1000(GlyphAccumulator):
    """pyHanko's TrueType/OpenType engine (HarfBuzz shaping, subset embedding) for
    fonts whose em is not 1000 units. pyHanko 0.38 writes the font's own units into
    the PDF's glyph widths (/W) and TJ adjustments, which PDF reads as thousandths
    of an em: with DejaVu Sans (2048 units) every glyph advanced twice its width.
    Here HarfBuzz works at a 1000-unit scale and the widths and font-descriptor
    metrics are converted to it; for a 1000-unit font nothing changes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._to_1000 = 1000 / self.units_per_em
        if self.units_per_em != 1000:
            self.hb_font.scale = (1000, 1000)
            self.units_per_em = 1000
            descriptor = getattr(self.cidfont_obj, "_font_descriptor", None)
            if descriptor is not None:
                for key in ("/Ascent", "/Descent", "/CapHeight"):
                    if key in descriptor:
                        descriptor[key] = generic.NumberObject(
                            round(float(descriptor[key]) * self._to_1000)
                        )
                if "/FontBBox" in descriptor:
                    descriptor["/FontBBox"] = generic.ArrayObject(
                        generic.NumberObject(round(float(v) * self._to_1000))
                        for v in descriptor["/FontBBox"]
                    )

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id in self._glyphs:
            return self._glyphs[glyph_id]
        cid, width = super()._get_cid_and_width(glyph_id)
        self._glyphs[glyph_id] = result = (cid, round(width * self._to_1000))
        return result


@dataclass(frozen=True)
class _TrueTypeFontFactory(GlyphAccumulatorFactory):
    """Creates :class:`_GlyphAccumulator1000` engines from the bytes
    :class:`_StampFont` keeps (the cut-down copy when ``reduced``)."""

    reduced: bool = False

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        font = _StampFont.of(self.font_file)
        return _GlyphAccumulator1000(
            writer=writer,
            font_handle=io.BytesIO(font.reduced if self.reduced else font.whole),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


def _wrap(lines: list[str], max_width: float, width) -> list[str]:
    """Greedy word wrap of each line to ``max_width`` points; a word wider than a
    line is cut by characters."""
    out: list[str] = []
    for line in lines:
        current = ""
        for word in unicodedata.normalize("NFC", line).split():
            candidate = f"{current} {word}" if current else word
            if width(candidate) <= max_width:
                current = candidate
                continue
            if current:
                out.append(current)
            current = word
            while width(current) > max_width and len(current) > 1:
                cut = len(current)
                while cut > 1 and width(current[:cut]) > max_width:
                    cut -= 1
                out.append(current[:cut])
                current = current[cut:]
        if current:
            out.append(current)
    return out


def _ascii(text: str) -> str:
    for fancy, plain in (("đ", "d"), ("Đ", "D"), ("—", "-"), ("–", "-"), ("“", '"'), ("”", '"')):
        text = text.replace(fancy, plain)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
    )
    return stripped.encode("ascii", "replace").decode()


def _free_field_name(writer, wanted: str) -> str:
    taken = {name for name, value, _ref in enumerate_sig_fields(writer) if value is not None}
    if wanted not in taken:
        return wanted
    match = re.fullmatch(r"(.*?)(\d*)", wanted)
    stem, number = match.group(1), int(match.group(2) or 1)
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"


def _inherited(page: generic.DictionaryObject, key: str):
    node = page
    for _depth in range(64):
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        if parent is None:
            return None
        node = parent.get_object()
    return None


def _stamp_box(writer) -> tuple[int, int, int, int]:
    """Bottom right of the last page's visible area (CropBox, else MediaBox), moved
    up past the stamps of earlier signatures that it would overlap. Page rotation
    is not compensated: the platform's documents are not rotated."""
    page_ref, _resources = writer.find_page_for_modification(-1)
    page = page_ref.get_object()
    area = _inherited(page, "/CropBox") or _inherited(page, "/MediaBox")
    xs, ys = sorted([float(area[0]), float(area[2])]), sorted([float(area[1]), float(area[3])])
    margin = STAMP_MARGIN_MM * _MM
    width = min(STAMP_WIDTH_MM * _MM, xs[1] - xs[0] - 2 * margin)
    height = min(STAMP_HEIGHT_MM * _MM, ys[1] - ys[0] - 2 * margin)
    x1 = xs[1] - margin
    x0 = x1 - width
    y0 = ys[0] + margin
    taken = _signature_rects(page)
    for _attempt in range(len(taken) + 1):
        overlapping = [
            r for r in taken if r[0] < x1 and r[2] > x0 and r[1] < y0 + height and r[3] > y0
        ]
        if not overlapping:
            break
        y0 = max(r[3] for r in overlapping) + 3 * _MM
    y0 = min(y0, ys[1] - margin - height)
    return (round(x0), round(y0), round(x1), round(y0 + height))


def _signature_rects(page) -> list[tuple[float, float, float, float]]:
    """Rectangles of the page's visible signature widgets."""
    try:
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else []
    except (AttributeError, KeyError, TypeError, ValueError):
        return []
    rects = []
    for ref in annots:
        try:
            annot = ref.get_object()
            field_type = annot.get("/FT")
            if field_type is None and "/Parent" in annot:
                field_type = annot["/Parent"].get_object().get("/FT")
            if field_type != "/Sig" or "/Rect" not in annot:
                continue
            r = [float(v) for v in annot["/Rect"]]
        except (AttributeError, KeyError, TypeError, ValueError, IndexError):
            continue
        if len(r) != 4:
            continue
        rect = (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3]))
        if rect[2] - rect[0] > 1 and rect[3] - rect[1] > 1:
            rects.append(rect)
    return rects


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------


@dataclass
class SignatureCheck:
    """What :func:`verify_pdf` found about one signature."""

    field_name: str
    signer: str
    valid: bool
    intact: bool
    trusted: bool
    revoked: bool
    revoked_at: datetime.datetime | None
    modified: bool
    signed_at: datetime.datetime | None
    timestamped_at: datetime.datetime | None
    problems: list[str] = field(default_factory=list)


@dataclass
class Verification:
    """The verdict on a PDF. ``valid`` only when it has at least one signature and
    every signature is intact, trusted, not revoked and not followed by changes
    other than later signatures and validation data. With several signatures,
    ``signer`` joins the signers' names with "; ", ``signed_at``/``timestamped_at``
    are the last signature's, ``trusted`` needs all to be trusted and ``modified``/
    ``revoked`` any. ``problems`` are English sentences; ``details`` has one
    :class:`SignatureCheck` per signature, in signing order."""

    valid: bool
    signer: str
    signed_at: datetime.datetime | None
    timestamped_at: datetime.datetime | None
    modified: bool
    trusted: bool
    revoked: bool
    problems: list[str]
    signatures: int
    details: list[SignatureCheck] = field(default_factory=list)


def _rejected(problem: str, **kwargs) -> Verification:
    values = {
        "valid": False,
        "signer": "",
        "signed_at": None,
        "timestamped_at": None,
        "modified": False,
        "trusted": False,
        "revoked": False,
        "problems": [problem],
        "signatures": 0,
    }
    values.update(kwargs)
    return Verification(**values)


def verify_pdf(
    pdf: bytes,
    *,
    trust_roots_pem: list[bytes],
    crls_der: list[bytes],
    max_bytes: int = 20_000_000,
) -> Verification:
    """Check every signature in ``pdf``; never raises.

    Trust comes only from ``trust_roots_pem`` (PEM, a file may hold several) and
    revocation only from ``crls_der`` (DER or PEM); nothing is fetched and the
    document's own embedded CRLs are not used. A signature is validated at the time
    of its signature timestamp (the signing time attested by the TSA; now when it has
    none), so the question is "was the certificate valid when it signed". Revocation
    is "hard-fail" for a certificate whose issuer's CRL was supplied, "soft-fail"
    (with a note in ``problems``) otherwise. A certificate listed on a supplied CRL
    is ``revoked`` and the signature not valid, whether it was revoked before or
    after signing: ``details[i].revoked_at`` and the problem text tell which.

    Not a PDF, empty, truncated, damaged, encrypted, larger than ``max_bytes`` or
    unsigned: ``valid=False`` and a problem saying so. A damaged file that still
    shows signature data is checked byte for byte, so tampering that breaks the PDF
    structure still reports ``modified``."""
    try:
        return _verify(pdf, trust_roots_pem, crls_der, max_bytes)
    except Exception as exc:  # noqa: BLE001 - untrusted input must never raise
        return _rejected(_("Không kiểm tra được tệp: %(why)s.") % {"why": _describe(exc)})


def _verify(pdf, trust_roots_pem, crls_der, max_bytes) -> Verification:
    if not isinstance(pdf, bytes | bytearray | memoryview):
        return _rejected(_("Chưa có nội dung tệp."))
    pdf = bytes(pdf)
    if not pdf:
        return _rejected(_("Tệp rỗng."))
    if len(pdf) > max_bytes:
        return _rejected(
            _("Tệp quá lớn để kiểm tra (%(size)s byte; giới hạn %(limit)s byte).")
            % {"size": f"{len(pdf):,}", "limit": f"{max_bytes:,}"}
        )
    if b"%PDF-" not in pdf[:1024]:
        return _rejected(_("Tệp không phải PDF."))

    problems: list[str] = []
    roots = _load_roots(trust_roots_pem, problems)
    crls = _load_crls(crls_der, problems)

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        encrypted = reader.encrypted
        signatures = [] if encrypted else limits.regular_signatures(reader)
    except limits.TooComplex as exc:  # each signature once, and only so many
        return _rejected(str(exc))
    except Exception as exc:  # noqa: BLE001 - a broken PDF is an answer, not an error
        return _damaged(pdf, exc)
    if encrypted:
        return _rejected(_("PDF đã bị mã hóa; không kiểm tra được PDF mã hóa."))
    if not signatures:
        return _rejected(_("PDF không có chữ ký số."))

    checks = [
        _check_signature(sig, roots, crls, is_last=(i == len(signatures) - 1))
        for i, sig in enumerate(signatures)
    ]
    several = len(checks) > 1
    for i, check in enumerate(checks, start=1):
        prefix = f"Signature {i} ({check.signer or check.field_name}): " if several else ""
        problems.extend(prefix + p for p in check.problems)
    last = checks[-1]
    return Verification(
        valid=all(c.valid for c in checks),
        signer="; ".join(c.signer for c in checks if c.signer),
        signed_at=last.signed_at,
        timestamped_at=last.timestamped_at,
        modified=any(c.modified for c in checks),
        trusted=all(c.trusted for c in checks),
        revoked=any(c.revoked for c in checks),
        problems=problems,
        signatures=len(checks),
        details=checks,
    )


@dataclass(frozen=True)
class _Crl:
    asn1: asn1_crl.CertificateList
    parsed: x509.CertificateRevocationList


def _load_roots(pems: list[bytes], problems: list[str]) -> list[asn1_x509.Certificate]:
    roots = []
    for pem in pems or []:
        try:
            roots += [_asn1_cert(c) for c in x509.load_pem_x509_certificates(pem)]
        except Exception:  # noqa: BLE001
            problems.append(_("Một chứng thư gốc tin cậy đã cấu hình không đọc được và bị bỏ qua."))
    return roots


def _load_crls(ders: list[bytes], problems: list[str]) -> list[_Crl]:
    crls = []
    for der in ders or []:
        try:
            parsed = (
                x509.load_pem_x509_crl(der)
                if der.lstrip().startswith(b"-----BEGIN")
                else x509.load_der_x509_crl(der)
            )
            raw = parsed.public_bytes(serialization.Encoding.DER)
            crls.append(_Crl(asn1_crl.CertificateList.load(raw), parsed))
        except Exception:  # noqa: BLE001
            problems.append(
                _("Một danh sách thu hồi (CRL) được cung cấp không đọc được và bị bỏ qua.")
            )
    return crls


def _check_signature(sig, roots, crls: list[_Crl], *, is_last: bool) -> SignatureCheck:
    field_name = _safe(lambda: str(sig.field_name), "")
    problems: list[str] = []
    try:
        signer_cert = sig.signer_cert
        signer = _common_name(signer_cert)
    except Exception as exc:  # noqa: BLE001
        return SignatureCheck(
            field_name, "", False, False, False, False, None, True, None, None,
            [_("Không đọc được dữ liệu chữ ký: %(why)s.") % {"why": _describe(exc)}],
        )  # fmt: skip
    claimed_ts = _safe(lambda: _timestamp_time(sig.signer_info), None)
    issuer = signer_cert.issuer.dump()
    relevant = [c.asn1 for c in crls if c.asn1["tbs_cert_list"]["issuer"].dump() == issuer]
    if not relevant:
        problems.append(
            _(
                "Lưu ý: chưa kiểm tra thu hồi (revocation was not checked): không có CRL "
                "của tổ chức cấp chứng thư."
            )
        )
    context = ValidationContext(
        trust_roots=roots,
        other_certs=list(sig.other_embedded_certs),
        crls=[c.asn1 for c in crls],
        allow_fetching=False,
        revocation_mode="hard-fail" if relevant else "soft-fail",
        retroactive_revinfo=True,
        moment=claimed_ts,
    )
    try:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=context,
            key_usage_settings=KeyUsageConstraints(
                key_usage={"digital_signature", "non_repudiation"}
            ),
        )
    except Exception as exc:  # noqa: BLE001
        intact = _safe(lambda: _raw_digest_matches(sig), None)
        problems.append(_("Không xác thực được chữ ký: %(why)s.") % {"why": _describe(exc)})
        if intact is False:
            problems.append(_("Nội dung đã ký bị thay đổi sau khi ký."))
        return SignatureCheck(
            field_name, signer, False, bool(intact), False, False, None, intact is False,
            _safe(lambda: sig.self_reported_timestamp, None), None, problems,
        )  # fmt: skip

    intact = bool(status.intact and status.valid)
    if not status.intact:
        problems.append(_("Nội dung đã ký bị thay đổi sau khi ký (mã băm không khớp)."))
    elif not status.valid:
        problems.append(_("Chữ ký mật mã không hợp lệ."))

    modified = not status.intact
    coverage = status.coverage
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        modified = True
        problems.append(_("Chữ ký không bao trùm toàn bộ phiên bản tệp của nó."))
    level = status.modification_level
    # After the last signature only validation data (DSS, document timestamps) may
    # follow; after an earlier one, also later signatures (pyHanko calls adding one
    # "form filling"). Annotations or other changes count as modification.
    allowed = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
    if not is_last:
        allowed += (ModificationLevel.FORM_FILLING,)
    if level is not None and level not in allowed:
        modified = True
        if is_last:
            problems.append(_("Tệp bị thay đổi sau chữ ký cuối cùng."))
        else:
            problems.append(_("Tệp bị thay đổi sau chữ ký này, không chỉ bởi các chữ ký sau."))
    if status.docmdp_ok is False and not modified:
        modified = True
        problems.append(_("Quy tắc của văn bản không cho phép thay đổi sau chữ ký này."))
    # No later revision, yet the signed range stops short of the end of the file:
    # bytes were appended that are not an incremental update.
    if (
        is_last
        and not modified
        and coverage != SignatureCoverageLevel.ENTIRE_FILE
        and _safe(lambda: _appended_after(sig), False)
    ):
        modified = True
        problems.append(_("Có dữ liệu được nối thêm vào tệp sau chữ ký cuối cùng."))

    ts = status.timestamp_validity
    timestamped_at = None
    ts_ok = True
    if ts is not None:
        timestamped_at = ts.timestamp
        if not (ts.intact and ts.valid):
            ts_ok = False
            problems.append(_("Dấu thời gian của chữ ký không hợp lệ."))
        elif not ts.trusted:
            ts_ok = False
            problems.append(
                _("Đơn vị cấp dấu thời gian không được tin cậy%(detail)s.")
                % {"detail": _trust_detail(ts.trust_problem_indic)}
            )
    elif claimed_ts is not None:
        ts_ok = False
        problems.append(_("Không đọc được dấu thời gian của chữ ký."))

    revoked_at = None
    if status.revocation_details is not None and not status.revocation_details.ca_revoked:
        revoked_at = status.revocation_details.revocation_date
    listed = _listed_on_crl(sig, signer_cert, status, crls)
    if listed is not None:
        revoked_at = listed
    revoked = revoked_at is not None or bool(status.revoked)
    if revoked:
        when = timestamped_at or status.signer_reported_dt
        if revoked_at is not None and when is not None:
            message = (
                _("Chứng thư của người ký bị thu hồi lúc %(revoked)s, sau thời điểm ký %(signed)s.")
                if revoked_at > when
                else _(
                    "Chứng thư của người ký bị thu hồi lúc %(revoked)s, trước thời điểm ký %(signed)s."
                )
            )
            problems.append(message % {"revoked": _fmt(revoked_at), "signed": _fmt(when)})
        else:
            problems.append(_("Chứng thư của người ký (hoặc của tổ chức cấp) đã bị thu hồi."))

    path_found = status.validation_path is not None
    trust_problem = status.trust_problem_indic
    trusted = bool(path_found and intact and (trust_problem is None or revoked))
    if intact and not trusted:
        if not path_found:
            problems.append(
                _("Chứng thư của người ký không dẫn tới chứng thư gốc tin cậy%(detail)s.")
                % {"detail": _trust_detail(trust_problem)}
            )
        else:
            problems.append(
                _("Chứng thư của người ký không có hiệu lực vào thời điểm ký%(detail)s.")
                % {"detail": _trust_detail(trust_problem)}
            )

    valid = bool(intact and trusted and not revoked and not modified and ts_ok)
    return SignatureCheck(
        field_name=field_name,
        signer=signer,
        valid=valid,
        intact=intact,
        trusted=trusted,
        revoked=revoked,
        revoked_at=revoked_at,
        modified=modified,
        signed_at=status.signer_reported_dt,
        timestamped_at=timestamped_at,
        problems=problems,
    )


def _listed_on_crl(sig, signer_cert, status, crls: list[_Crl]) -> datetime.datetime | None:
    """The revocation date when a supplied CRL lists the signer's certificate. The
    CRL must verify under the key of a certificate named as the signer's issuer (on
    the validation path, or embedded in the signature: a forged embedded issuer
    cannot make the CA's CRL verify)."""
    candidates = []
    if status.validation_path is not None:
        candidates += list(status.validation_path.iter_certs(include_root=True))
    candidates += list(_safe(lambda: sig.other_embedded_certs, []))
    issuer_keys = []
    for cert in candidates:
        if cert.subject == signer_cert.issuer:
            issuer_keys.append(x509.load_der_x509_certificate(cert.dump()).public_key())
    for crl in crls:
        if crl.asn1["tbs_cert_list"]["issuer"] != signer_cert.issuer:
            continue
        if not any(
            _safe(lambda k=k, c=crl: c.parsed.is_signature_valid(k), False) for k in issuer_keys
        ):
            continue
        entry = crl.parsed.get_revoked_certificate_by_serial_number(signer_cert.serial_number)
        if entry is not None:
            return entry.revocation_date_utc
    return None


def _appended_after(sig) -> bool:
    """Whether non-blank bytes follow the signed range of a signature that is in the
    file's last revision."""
    reader = sig.reader
    if sig.signed_revision != reader.xrefs.total_revisions - 1:
        return False
    _start1, len1, start2, len2 = sig.byte_range
    stream = reader.stream
    stream.seek(start2 + len2)
    return bool(stream.read().strip())


def _timestamp_time(signer_info: cms.SignerInfo) -> datetime.datetime | None:
    """genTime of the signature timestamp token (not yet validated: it only sets the
    validation time; pyHanko validates the token itself)."""
    unsigned = signer_info["unsigned_attrs"]
    if isinstance(unsigned, core.Void):
        return None
    for attr in unsigned:
        if attr["type"].native != "signature_time_stamp_token":
            continue
        for token in attr["values"]:
            tst_info = token["content"]["encap_content_info"]["content"].parsed
            return tst_info["gen_time"].native
    return None


# The fallback for files pyHanko cannot parse: find signature dictionaries by their
# /ByteRange and compare the signed digest with the bytes.
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _damaged(pdf: bytes, exc: Exception) -> Verification:
    ranges = [tuple(int(g) for g in m.groups()) for m in _BYTE_RANGE.finditer(pdf)]
    if not ranges:
        return _rejected(
            _("Tệp bị hỏng hoặc bị cắt cụt, không đọc được như PDF (%(why)s).")
            % {"why": _describe(exc)}
        )
    problems = [_("Tệp bị hỏng hoặc bị cắt cụt, không đọc được như PDF.")]
    modified = False
    for i, (a, b, c, d) in enumerate(ranges, start=1):
        label = f"Signature {i}: " if len(ranges) > 1 else ""
        if a != 0 or c < b or c + d > len(pdf):
            modified = True
            problems.append(label + "the signed data runs past the end of the file (truncated).")
            continue
        verdict = _safe(lambda a=a, b=b, c=c, d=d: _raw_check(pdf, a, b, c, d), None)
        if verdict is False:
            modified = True
            problems.append(label + "the signed bytes were changed after signing.")
    return _rejected(problems[0], problems=problems, modified=modified, signatures=len(ranges))


def _raw_check(pdf: bytes, a: int, b: int, c: int, d: int) -> bool | None:
    hex_contents = pdf[a + b : c].strip().lstrip(b"<").rstrip(b">")
    signed_data = cms.ContentInfo.load(bytes.fromhex(hex_contents.decode("ascii")), strict=False)[
        "content"
    ]
    signer_info = signed_data["signer_infos"][0]
    algorithm = signer_info["digest_algorithm"]["algorithm"].native
    for attr in signer_info["signed_attrs"]:
        if attr["type"].native == "message_digest":
            digest = hashlib.new(algorithm, pdf[a : a + b] + pdf[c : c + d]).digest()
            return digest == attr["values"][0].native
    return None


def _raw_digest_matches(sig) -> bool | None:
    signer_info = sig.signer_info
    algorithm = signer_info["digest_algorithm"]["algorithm"].native
    for attr in signer_info["signed_attrs"]:
        if attr["type"].native == "message_digest":
            return sig.compute_digest(algorithm) == attr["values"][0].native
    return None


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _now() -> datetime.datetime:
    return datetime.datetime.now(_UTC).replace(microsecond=0)


def _name(*, common_name: str, organisation: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _builder(subject, issuer, public_key, now, *, days: int, serial: int | None = None):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _end_entity_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _aki(issuer_cert: x509.Certificate) -> x509.AuthorityKeyIdentifier:
    ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def _crl_dp(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(url)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _crl_url_of(cert: x509.Certificate) -> str | None:
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return None
    for point in points:
        for name in point.full_name or []:
            if isinstance(name, x509.UniformResourceIdentifier):
                return name.value
    return None


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_key(pem: bytes):
    return serialization.load_pem_private_key(pem, password=None)


def _require_matching(key, cert: x509.Certificate) -> None:
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != cert.public_key().public_bytes(*spki):
        raise ValueError(f"the private key does not belong to {cert.subject.rfc4514_string()}")


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _load_crl(data: bytes) -> asn1_crl.CertificateList:
    if data.lstrip().startswith(b"-----BEGIN"):
        data = x509.load_pem_x509_crl(data).public_bytes(serialization.Encoding.DER)
    return asn1_crl.CertificateList.load(data)


def _common_name(cert: asn1_x509.Certificate) -> str:
    native = cert.subject.native
    return str(native.get("common_name") or cert.subject.human_friendly)


def _trust_detail(indication) -> str:
    if indication is None:
        return ""
    return f" ({getattr(indication, 'name', indication)})"


def _fmt(moment: datetime.datetime) -> str:
    return moment.astimezone(_UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def _safe(fn, default):
    try:
        return fn()
    except Exception:  # noqa: BLE001
        return default
