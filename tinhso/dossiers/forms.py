"""Django forms built from a procedure's field definitions, for rendering only: the
values are checked by the same service the API uses (one set of rules)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tinhso.geo import selectors as geo
from tinhso.procedures.schema import FieldDef


def _widget_field(field: FieldDef) -> forms.Field:
    common = {"label": field.label, "required": False, "help_text": field.help}
    t = field.type
    if t == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    if t == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if t == "number":
        return forms.CharField(widget=forms.NumberInput(attrs={"step": "any"}), **common)
    if t == "select":
        choices = [("", _("— Chọn —"))] + [(c, c) for c in field.choices or []]
        return forms.ChoiceField(choices=choices, **common)
    if t == "checkbox":
        return forms.BooleanField(**common)
    if t == "email":
        return forms.CharField(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    if t == "phone":
        return forms.CharField(
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}), **common
        )
    if t == "cccd":
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "12"}), **common
        )
    if t == "unit":
        wards = geo.units(parent=settings.TINHSO_PROVINCE, level="ward").order_by("name")
        choices = [("", _("— Chọn phường/xã —"))] + [(u.code, u.name) for u in wards]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(**common)


def dossier_form(fields: list[FieldDef], *, prefilled: dict[str, str], data=None, initial=None):
    """A form with one input per field the applicant must answer; the fields answered
    from their profile are left out (shown, not asked)."""
    form = forms.Form(data=data, initial=initial)
    for field in fields:
        if field.type == "file" or field.name in prefilled:
            continue
        form.fields[field.name] = _widget_field(field)
        form.fields[field.name].required_marker = field.required
    return form


def form_values(form: forms.Form, post) -> dict:
    """What the person typed, by field name (checkboxes as booleans)."""
    values = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.BooleanField):
            values[name] = name in post
        else:
            values[name] = post.get(name, "")
    return values
