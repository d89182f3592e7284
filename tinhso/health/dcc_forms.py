"""Forms of the vaccination, certificate and prescription pages."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import prescription_code, vaccination


class FindPatientForm(forms.Form):
    personal_id = forms.RegexField(
        label=_("Số định danh cá nhân của người được tiêm"),
        regex=r"^\d{12}$",
        error_messages={"invalid": _("Số định danh gồm 12 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class DoseForm(forms.Form):
    vaccine_code = forms.ChoiceField(label=_("Vắc xin"))
    dose_number = forms.IntegerField(label=_("Mũi số"), min_value=1, max_value=9)
    occurred_on = forms.DateField(
        label=_("Ngày tiêm"), widget=forms.DateInput(attrs={"type": "date"})
    )
    lot_number = forms.CharField(label=_("Số lô"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["vaccine_code"])
        field.choices = [("", "—"), *vaccination.vaccine_choices()]
        self.fields["occurred_on"].initial = timezone.localdate()


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=300)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã đơn thuốc (quét mã QR hoặc nhập)"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def clean_code(self):
        text = self.cleaned_data["code"]
        if not prescription_code.is_valid(text):
            raise forms.ValidationError(
                _("Mã đơn thuốc gồm 14 ký tự: mã cơ sở (5), 7 ký tự, dấu gạch ngang, loại đơn.")
            )
        return prescription_code.normalize(text)


class DispenseForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    confirmed = forms.BooleanField(
        label=_("Đã kiểm tra giấy tờ tùy thân của người nhận thuốc (bắt buộc với đơn N, H)"),
        required=False,
    )


KIND_CHOICES = [
    (prescription_code.ORDINARY, _("Thông thường (c)")),
    (prescription_code.NARCOTIC, _("Thuốc gây nghiện (n)")),
    (prescription_code.PSYCHOTROPIC, _("Thuốc hướng thần, tiền chất (h)")),
    (prescription_code.TRADITIONAL, _("Y học cổ truyền (y)")),
]
ITEM_ROWS = 5


class PrescriptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại đơn"), choices=KIND_CHOICES)
    diagnosis = forms.CharField(label=_("Chẩn đoán"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Lời dặn"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(
        label=_("Tôi xác nhận lần thứ hai đơn thuốc gây nghiện, hướng thần này"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"drug_{n}"] = forms.CharField(
                label=_("Tên thuốc %(n)s") % {"n": n}, max_length=200, required=False
            )
            self.fields[f"dose_{n}"] = forms.CharField(
                label=_("Cách dùng thuốc %(n)s") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"quantity_{n}"] = forms.DecimalField(
                label=_("Số lượng thuốc %(n)s") % {"n": n}, min_value=0, max_digits=10,
                decimal_places=2, required=False,
            )  # fmt: skip
            self.fields[f"unit_{n}"] = forms.CharField(
                label=_("Đơn vị tính thuốc %(n)s") % {"n": n}, max_length=30, required=False
            )
            self.fields[f"days_{n}"] = forms.IntegerField(
                label=_("Số ngày dùng thuốc %(n)s") % {"n": n}, min_value=1, max_value=365,
                required=False,
            )  # fmt: skip

    def item_rows(self):
        return [
            [self[f"{name}_{n}"] for name in ("drug", "dose", "quantity", "unit", "days")]
            for n in range(1, ITEM_ROWS + 1)
        ]

    def items(self):
        from .prescribing import Item

        data = self.cleaned_data
        return [
            Item(
                drug_name=data.get(f"drug_{n}") or "",
                dose_text=data.get(f"dose_{n}") or "",
                quantity=data.get(f"quantity_{n}") or Decimal(0),
                unit=data.get(f"unit_{n}") or "",
                duration_days=data.get(f"days_{n}") or 0,
            )
            for n in range(1, ITEM_ROWS + 1)
            if data.get(f"drug_{n}")
        ]
