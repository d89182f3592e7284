"""Signing a PDF at PAdES baseline B-T (B-LT when given a CRL to embed), with a
visible stamp in Vietnamese and a QR code, timestamped by the in-process TSA.

Built on pyHanko (``pyHanko[opentype,qr]``: fontTools + uharfbuzz embed a subset of a
TrueType font so Vietnamese diacritics render; qrcode draws the QR code).
"""

from __future__ import annotations

import io
import re

from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .certs import _asn1_cert, _asn1_key, _load_crl, _load_key, _require_matching
from .pki import Pki
from .stamp import _stamp_box, _stamp_style
from .tsa import _LocalTimeStamper


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

    signer, timestamper = _signer_and_timestamper(signer_key, signer_cert, pki)
    meta = _signature_metadata(
        field_name, reason=reason, location=location, pki=pki, embed_crl=embed_crl
    )
    style, wrapped = _stamp_style(box, stamp_lines, font_path)
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


def _signer_and_timestamper(
    signer_key, signer_cert: x509.Certificate, pki: Pki
) -> tuple[SimpleSigner, _LocalTimeStamper]:
    """The CMS signer (its certificate and the issuing CA's embedded) and the PKI's
    in-process TSA."""
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
    return signer, timestamper


def _signature_metadata(
    field_name: str, *, reason: str, location: str, pki: Pki, embed_crl: bytes | None
) -> PdfSignatureMetadata:
    """PAdES, SHA-256, non-repudiation; with ``embed_crl`` the chain is checked
    against it (hard-fail) and embedded with the CRL in the signature's revision."""
    validation_context = None
    if embed_crl is not None:
        validation_context = ValidationContext(
            trust_roots=[_asn1_cert(pki.root_cert)],
            other_certs=[_asn1_cert(pki.issuing_cert)],
            crls=[_load_crl(embed_crl)],
            allow_fetching=False,
            revocation_mode="hard-fail",
        )
    return PdfSignatureMetadata(
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


def _free_field_name(writer, wanted: str) -> str:
    taken = {name for name, value, _ref in enumerate_sig_fields(writer) if value is not None}
    if wanted not in taken:
        return wanted
    match = re.fullmatch(r"(.*?)(\d*)", wanted)
    stem, number = match.group(1), int(match.group(2) or 1)
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"
