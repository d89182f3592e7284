"""The visible stamp of a signature: where it goes on the last page, the lines it
shows (wrapped in a TrueType font so Vietnamese diacritics render) and pyHanko's
QR stamp style that draws them."""

from __future__ import annotations

import functools
import io
import unicodedata
from dataclasses import dataclass

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import DEFAULT_BOX_LAYOUT, TextBoxStyle
from pyhanko.stamp import QRStampStyle

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


def _stamp_style(
    box: tuple[int, int, int, int], stamp_lines: list[str], font_path: str | None
) -> tuple[QRStampStyle, list[str]]:
    """The stamp's style for ``box`` and its lines wrapped to fit beside the QR code:
    in the TrueType font at ``font_path``, embedded as a subset, or without one in
    Courier with the diacritics removed."""
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
    return style, wrapped


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
