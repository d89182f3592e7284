"""The key of the audit chain's HMAC: outside the database, so that writing to the
database is not enough to rewrite history. AUDIT_KEY from the environment, or else a
random key generated once into the var directory (`keys/audit_key`, mode 0600), as
the secret key is for the demo. `tinhso backup` carries that file (like the PKI's
private keys); a key from the environment is the operator's to keep."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

_cached: tuple[str, int, bytes] | None = None


def key_path() -> Path:
    return Path(settings.VAR_DIR) / "keys" / "audit_key"


def audit_key() -> bytes:
    global _cached
    configured = getattr(settings, "AUDIT_KEY", "")
    if configured:
        return configured.encode("utf-8")
    path = key_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        _create(path)
        mtime = path.stat().st_mtime_ns
    if _cached is None or _cached[:2] != (str(path), mtime):  # a restore may replace it
        _cached = (str(path), mtime, path.read_text().strip().encode("utf-8"))
    return _cached[2]


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:  # two processes starting at once: the first one's key wins
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
