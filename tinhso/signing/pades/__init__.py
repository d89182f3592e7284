"""PAdES signing and verification for the province's results: pure functions, no
settings.

* :mod:`.pki`: :func:`make_pki` builds the province's small test PKI in memory (ECDSA
  P-256): a root CA, an issuing CA under it, and a timestamping authority (TSA)
  certificate issued by the issuing CA. :class:`Pki` round-trips through PEM files.
  :func:`issue_signer_certificate` issues an officer's signing certificate and
  :func:`make_crl` the issuing CA's CRL.
* :mod:`.sign`: :func:`sign_pdf` signs a PDF at PAdES baseline B-T (B-LT when given a
  CRL to embed) with a visible stamp (:mod:`.stamp`) in Vietnamese and a QR code,
  timestamped by an in-process TSA (:mod:`.tsa`).
* :mod:`.verify`: :func:`verify_pdf` checks every signature of an untrusted PDF
  against the given trust roots and CRLs only, and never raises: bad input gets a
  :class:`Verification` (:mod:`.results`) with ``valid=False`` and a reason.
  :mod:`.byterange` is its raw check for files pyHanko cannot parse.

The names are re-exported here lazily: importing this package does not import
pyHanko (about a second), only using :func:`sign_pdf` or :func:`verify_pdf` does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pki import Pki, issue_signer_certificate, make_crl, make_pki
    from .results import SignatureCheck, Verification
    from .sign import sign_pdf
    from .verify import verify_pdf

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

_HOMES = {
    "Pki": "pki",
    "issue_signer_certificate": "pki",
    "make_crl": "pki",
    "make_pki": "pki",
    "SignatureCheck": "results",
    "Verification": "results",
    "sign_pdf": "sign",
    "verify_pdf": "verify",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
