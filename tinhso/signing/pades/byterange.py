"""The raw ByteRange check: the fallback for files pyHanko cannot parse, and for a
signature pyHanko could not validate. Signature dictionaries are found by their
/ByteRange and the signed digest is compared with the bytes it covers, so tampering
that breaks the PDF's structure is still reported as a change."""

from __future__ import annotations

import hashlib
import re

from asn1crypto import cms
from django.utils.translation import gettext as _

from .results import Verification, _describe, _rejected, _safe

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
