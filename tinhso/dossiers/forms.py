"""Django forms built from a procedure's field definitions, for rendering only: the
values are checked by the same service the API uses (one set of rules)."""

from __future__ import annotations

from typing import Any

from django import forms

from tinhso.procedures.fields import form_field, in_form
from tinhso.procedures.schema import FieldDef


def dossier_form(fields: list[FieldDef], *, prefilled: dict[str, str], data=None, initial=None):
    """A form with one input per field the applicant must answer; the fields answered
    from their profile are left out (shown, not asked)."""
    form = forms.Form(data=data, initial=initial)
    for field in fields:
        if not in_form(field) or field.name in prefilled:
            continue
        form.fields[field.name] = form_field(field)
        form.fields[field.name].required_marker = field.required
    return form


def form_values(form: forms.Form, post) -> dict:
    """What the person typed, by field name (checkboxes as booleans)."""
    values: dict[str, Any] = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.BooleanField):
            values[name] = name in post
        else:  # a date comes in three boxes (day / month / year): the widget joins them
            values[name] = field.widget.value_from_datadict(post, {}, name) or ""
    return values
