"""How much of a stranger's PDF the public verifier looks at.

pyHanko's `embedded_regular_signatures` walks the AcroForm's field tree and gives one
signature per *entry*: a 98 KB file whose `/Fields` lists one signature field 1,000
times is validated 1,000 times (20–26 CPU seconds). Here the tree is walked once,
each field and each signature dictionary counted once by its object reference, with
caps on how many field entries are read and how many distinct signatures are
checked; past a cap the file is refused with a message, not half checked.

The caps bound the work that a file's structure asks for; what one signature's check
can cost is bounded by the CPU-time limit of the process it runs in (`sandbox.py`)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

# A signed result carries one signature, a contract a few; a form a few hundred fields.
MAX_SIGNATURES = 20
MAX_FIELD_ENTRIES = 2000

_SUBFILTERS = {s.value for s in SigSeedSubFilter}


class TooComplex(Exception):
    """The file asks for more work than the verifier does for anyone: refused."""


def max_signatures() -> int:
    return int(getattr(settings, "VERIFY_MAX_SIGNATURES", MAX_SIGNATURES))


def max_field_entries() -> int:
    return int(getattr(settings, "VERIFY_MAX_FIELDS", MAX_FIELD_ENTRIES))


def regular_signatures(reader) -> list[EmbeddedPdfSignature]:
    """The document's distinct `/Sig` signatures in signing order, as pyHanko's
    `embedded_regular_signatures` gives them, each once; TooComplex past the caps."""
    try:
        top = reader.root["/AcroForm"]["/Fields"]
    except KeyError:
        return []
    entries_cap, signatures_cap = max_field_entries(), max_signatures()
    seen_fields: set = set()
    seen_values: set = set()
    found: list[tuple[str, generic.IndirectObject]] = []
    entries = 0
    stack: list[tuple[object, str, tuple]] = [(top, "", ())]
    while stack:
        field_list, parent_name, parents = stack.pop()
        if not isinstance(field_list, generic.ArrayObject):
            continue
        for ref in field_list:
            entries += 1
            if entries > entries_cap:
                raise TooComplex(
                    _(
                        "PDF có quá nhiều trường biểu mẫu (trên %(n)s): không kiểm tra "
                        "tệp này. Văn bản có chữ ký số thông thường không có nhiều như vậy."
                    )
                    % {"n": f"{entries_cap:,}"}
                )
            if not isinstance(ref, generic.IndirectObject) or ref.reference in seen_fields:
                continue  # a field listed again is the same field (and no cycle)
            seen_fields.add(ref.reference)
            field = ref.get_object()
            if not isinstance(field, generic.DictionaryObject) or "/T" not in field:
                continue
            name = str(field["/T"])
            qualified = f"{parent_name}.{name}" if parent_name else name
            path = (field, *parents)
            kind = next((f["/FT"] for f in path if "/FT" in f), None)
            if kind == "/Sig" and field.get("/V"):
                value = field.raw_get("/V")
                key = value.reference if isinstance(value, generic.IndirectObject) else id(value)
                if key not in seen_values:  # two fields, one signature: checked once
                    seen_values.add(key)
                    found.append((qualified, ref))
                    if len(found) > signatures_cap:
                        raise TooComplex(
                            _("PDF có quá nhiều chữ ký (trên %(n)s): không kiểm tra tệp này.")
                            % {"n": signatures_cap}
                        )
            if "/Kids" in field:
                stack.append((field["/Kids"], qualified, path))
    signatures = []
    for qualified, ref in found:
        sig_object = ref.get_object().raw_get("/V").get_object()
        if sig_object.get("/SubFilter") not in _SUBFILTERS:
            continue  # as pyHanko: a signature of a kind it does not know is skipped
        embedded = EmbeddedPdfSignature(reader, ref, qualified)
        if embedded.sig_object_type == "/Sig":
            signatures.append(embedded)
    return sorted(signatures, key=lambda s: s.signed_revision)
