"""Receiving a file from someone we do not trust.

The content decides what a file is (magic bytes, then a full decode for images),
never its name or the Content-Type the browser claims; the name is kept only for
display, cleaned. Files are written outside the web root under a random name,
flushed to disk before the database row that points at them commits, and handed
to a virus scanner hook.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import StorageFull, ValidationFailed

logger = logging.getLogger("tinhso.uploads")

# type → (magic prefix, extensions a person may give such a file)
SIGNATURES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel scan is plenty; more is a decompression bomb


class UploadErrorCode:
    TOO_LARGE = "upload_too_large"
    EMPTY = "upload_empty"
    TYPE_NOT_ALLOWED = "upload_type_not_allowed"
    NAME_MISMATCH = "upload_name_mismatch"
    CORRUPT = "upload_corrupt"
    INFECTED = "upload_infected"


@dataclass(frozen=True)
class StoredFile:
    relative_path: str
    content_type: str
    size: int
    sha256: str
    display_name: str


class Scanner(Protocol):
    def scan(self, path: Path) -> str | None:
        """None when clean, else the name of what was found."""


class NoScanner:
    """The default: no antivirus configured (set UPLOAD_SCANNER to e.g. a ClamAV client)."""

    def scan(self, path: Path) -> str | None:
        return None


def scanner() -> Scanner:
    return import_string(getattr(settings, "UPLOAD_SCANNER", "tinhso.core.uploads.NoScanner"))()


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def clean_display_name(name: str) -> str:
    """The last path component, printable, at most 120 characters; never used as a path."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .") or "tep"
    return name[-120:]


def _refuse(message, code: str) -> ValidationFailed:
    """The reason, both as the problem's detail and on the `file` field."""
    return ValidationFailed(message, code=code, fields={"file": message})


def sniff(head: bytes) -> str | None:
    for content_type, (magic, _exts) in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def _check_image(path: Path, content_type: str) -> None:
    from PIL import Image

    try:  # the header gives the size without decoding; Pillow's global limit is left alone
        with Image.open(path) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValueError("too many pixels")
            expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
            if image.format != expected:
                raise ValueError("format differs")
            image.verify()
    except Exception as exc:  # Pillow raises many kinds; each means "not a usable image"
        raise _refuse(
            _("Tệp ảnh bị hỏng, quá lớn hoặc không đúng định dạng."),
            UploadErrorCode.CORRUPT,
        ) from exc


def _check_pdf(path: Path) -> None:
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise _refuse(
            _("Tệp PDF không hoàn chỉnh (thiếu phần kết thúc)."),
            UploadErrorCode.CORRUPT,
        )


def _raise_if_full(exc: OSError, root: Path) -> None:
    """A full disk is our fault, not the sender's: a 507 that changes nothing."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        logger.error("no space left for uploaded files under %s", root)
        raise StorageFull(
            _(
                "Hệ thống tạm thời không đủ chỗ lưu tệp. Hồ sơ chưa thay đổi; "
                "vui lòng gửi lại sau ít phút."
            )
        ) from exc


def store_upload(
    upload, *, folder: str, allowed: tuple[str, ...] = tuple(SIGNATURES)
) -> StoredFile:
    """Check and store an uploaded file; raises ValidationFailed and stores nothing
    when the file is refused."""
    display = clean_display_name(getattr(upload, "name", ""))
    limit = max_upload_bytes()
    _check_declared_size(upload, limit)
    content_type = _identify(upload, display, allowed)
    root = Path(settings.MEDIA_ROOT)
    relative = Path(folder) / f"{uuid.uuid4().hex}{SIGNATURES[content_type][1][0]}"
    target = root / relative
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _raise_if_full(exc, root)
        raise
    partial = target.with_suffix(target.suffix + ".part")
    try:
        written, sha256 = _write_durably(upload, partial, limit)
        _inspect(partial, content_type)
        partial.chmod(0o600)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        _raise_if_full(exc, root)
        raise
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return StoredFile(
        relative_path=relative.as_posix(),
        content_type=content_type,
        size=written,
        sha256=sha256,
        display_name=display,
    )


def _too_large(limit: int) -> ValidationFailed:
    return _refuse(
        _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
        UploadErrorCode.TOO_LARGE,
    )


def _check_declared_size(upload, limit: int) -> None:
    """The size the upload says it has (checked again while it is written)."""
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise _too_large(limit)
    if size == 0:
        raise _refuse(_("Tệp rỗng."), UploadErrorCode.EMPTY)


# What a person calls each accepted kind of file (never a MIME type in a message).
TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}


def _identify(upload, display: str, allowed: tuple[str, ...]) -> str:
    """The content type read from the file's first bytes, one of `allowed`, and
    matching the extension of its name when it has one."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None or content_type not in allowed:
        raise _refuse(
            _("Chỉ nhận tệp PDF, JPG hoặc PNG (nội dung tệp không phải các loại này)."),
            UploadErrorCode.TYPE_NOT_ALLOWED,
        )
    extension = os.path.splitext(display)[1].lower()
    if extension and extension not in SIGNATURES[content_type][1]:
        raise _refuse(
            _("Tên tệp có đuôi %(ext)s nhưng nội dung là %(type)s.")
            % {"ext": extension, "type": TYPE_LABELS.get(content_type, content_type)},
            UploadErrorCode.NAME_MISMATCH,
        )
    return content_type


def _write_durably(upload, partial: Path, limit: int) -> tuple[int, str]:
    """Write the upload to `partial` (a new file) and flush it to disk: (size, sha256).
    Refused as soon as it passes `limit`, whatever size it claimed."""
    digest = hashlib.sha256()
    written = 0
    with partial.open("xb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                raise _too_large(limit)
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return written, digest.hexdigest()


def _inspect(path: Path, content_type: str) -> None:
    """The whole file is what its first bytes said, and the virus scanner passes it."""
    if content_type == "application/pdf":
        _check_pdf(path)
    else:
        _check_image(path, content_type)
    found = scanner().scan(path)
    if found:
        raise _refuse(
            _("Tệp bị phần mềm diệt virus từ chối (%(name)s).") % {"name": found},
            UploadErrorCode.INFECTED,
        )


def remove_stored(relative_path: str) -> None:
    """Undo a store whose database row did not commit."""
    (Path(settings.MEDIA_ROOT) / relative_path).unlink(missing_ok=True)


def open_stored(relative_path: str):
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative_path).resolve()
    if root not in path.parents:
        raise FileNotFoundError(relative_path)
    return path.open("rb")


def stored_file_response(
    relative_path: str, *, content_type: str, filename: str, attachment: bool = True
):
    """A stored file for a person already allowed to see it: downloaded, never rendered
    as a page of ours (a sandbox CSP even if a browser tried)."""
    from django.http import FileResponse

    response = FileResponse(
        open_stored(relative_path),
        content_type=content_type,
        as_attachment=attachment,
        filename=filename,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
