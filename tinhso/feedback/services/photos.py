"""A report's photos: checked by content (`core/uploads`), the camera's location read
from the EXIF, then the file written again without any metadata (EXIF, XMP, comments);
and the public copy with the boxes an officer drew blurred."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tinhso.core.uploads import StoredFile, store_upload

IMAGE_TYPES = ("image/jpeg", "image/png")
GPS_IFD = 0x8825
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


@dataclass(frozen=True)
class CleanPhoto:
    stored: StoredFile
    latitude: float | None
    longitude: float | None


def _degrees(value, ref) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    return -result if str(ref).upper() in ("S", "W") else result


def exif_location(image) -> tuple[float | None, float | None]:
    """(latitude, longitude) the camera wrote, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # a broken EXIF block is no location, not a refusal
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat, lon = _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _write_image(image, path: Path, content_type: str) -> tuple[int, str]:
    """Save `image` over `path` with no metadata at all; (size, sha256)."""
    image.info = {}  # Pillow carries comments and XMP from `info` otherwise
    fmt = FORMATS[content_type]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
    with partial.open("xb") as out:
        if fmt == "JPEG":
            image.save(out, format=fmt, quality=88)
        else:
            image.save(out, format=fmt)
        out.flush()
        os.fsync(out.fileno())
    partial.chmod(0o600)
    os.replace(partial, path)
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def store_photo(upload) -> CleanPhoto:
    """Check, store, read the location, strip every metadata block."""
    from PIL import Image, ImageOps

    stored = store_upload(upload, folder="feedback", allowed=IMAGE_TYPES)
    path = Path(settings.MEDIA_ROOT) / stored.relative_path
    with Image.open(path) as original:
        latitude, longitude = exif_location(original)
        upright = ImageOps.exif_transpose(original)  # the orientation goes with the EXIF
        upright.load()
    size, sha256 = _write_image(upright, path, stored.content_type)
    return CleanPhoto(
        StoredFile(stored.relative_path, stored.content_type, size, sha256, stored.display_name),
        latitude,
        longitude,
    )


def blurred_copy(relative_path: str, content_type: str, boxes: list[tuple[float, ...]]) -> str:
    """A new file: the photo with each box (x, y, width, height as fractions of the
    image) blurred beyond recognition. Returns its relative path."""
    from PIL import Image, ImageFilter

    root = Path(settings.MEDIA_ROOT)
    with Image.open(root / relative_path) as source:
        image = source.copy()
    width, height = image.size
    for x, y, w, h in boxes:
        left, top = int(max(0.0, x) * width), int(max(0.0, y) * height)
        right, bottom = int(min(1.0, x + w) * width), int(min(1.0, y + h) * height)
        if right - left < 1 or bottom - top < 1:
            continue
        region = image.crop((left, top, right, bottom))
        # Pixelate then blur: nothing of a face or a plate survives either step.
        small = region.resize((max(1, region.width // 12), max(1, region.height // 12)))
        region = small.resize(region.size).filter(ImageFilter.GaussianBlur(radius=8))
        image.paste(region, (left, top))
    relative = Path("feedback") / "public" / f"{uuid.uuid4().hex}{Path(relative_path).suffix}"
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    _write_image(image, root / relative, content_type)
    return relative.as_posix()
