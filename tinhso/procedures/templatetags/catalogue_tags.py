"""`{{ procedure|named }}`: a catalogue entry's name in the page's language (English
from data/catalogue_en.csv, the Vietnamese as fallback). Takes a procedure (model or
definition), a paper definition, a sector or an agency."""

from django import template

from ..english import localized
from ..models import Procedure, Sector
from ..schema import DocumentDef, ProcedureDefinition

register = template.Library()


@register.filter
def named(entry) -> str:
    if entry is None or entry == "":
        return ""
    if isinstance(entry, Procedure | ProcedureDefinition):
        return localized("procedure", entry.code, entry.name)
    if isinstance(entry, DocumentDef):
        return localized("paper", entry.kind, entry.label)
    if isinstance(entry, Sector):
        return localized("sector", entry.code, entry.name)
    if hasattr(entry, "code") and hasattr(entry, "name"):  # an agency (accounts.Agency)
        return localized("agency", entry.code, entry.name)
    return str(entry)
