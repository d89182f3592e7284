"""What verification answers: a :class:`Verification` of the whole PDF with one
:class:`SignatureCheck` per signature, and the helpers that build a rejection and
keep untrusted input from raising."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


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


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def _safe(fn, default):
    try:
        return fn()
    except Exception:  # noqa: BLE001
        return default
