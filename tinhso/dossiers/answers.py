"""A dossier's answers as a person reads them: the question's label, the answer in
words (a ward's name, not its code; a date as dd/mm/yyyy; yes/no), and where on the
form to change it. Used by the check-your-answers page and the supplement's
side-by-side comparison."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from tinhso.geo import selectors as geo
from tinhso.procedures.fields import in_form
from tinhso.procedures.schema import FieldDef


class Answer(NamedTuple):
    name: str
    label: str
    shown: str
    anchor: str  # the id of the input that changes it on the form


def shown(field: FieldDef, value: Any) -> str:
    """One answer in words."""
    if value is None or value == "":
        return "—"
    if field.type == "checkbox":
        return _("Có") if value else _("Không")
    if field.type == "date":
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if field.type == "unit":
        unit = geo.unit(str(value))
        return unit.name if unit else str(value)
    if field.type == "number" and isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def answers(fields: list[FieldDef], data: dict[str, Any], *, prefilled=()) -> list[Answer]:
    """Every question of the form in its order, answered or not."""
    rows = []
    for field in fields:
        if not in_form(field):
            continue
        anchor = "" if field.name in prefilled else f"id_{field.name}"
        if anchor and field.type == "date":
            anchor += "_0"
        rows.append(Answer(field.name, field.label, shown(field, data.get(field.name)), anchor))
    return rows
