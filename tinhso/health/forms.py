"""Forms of the health pages (labels and errors in Vietnamese)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .codes import VACCINES, VITAL_SIGNS
from .models import AppointmentKind

VACCINE_CHOICES: list[tuple[str, str]] = sorted(VACCINES.items(), key=lambda item: item[1])


class CheckInForm(forms.Form):
    qr_text = forms.CharField(
        label=_("Mã QR trên thẻ căn cước"),
        required=False,
        max_length=500,
        help_text=_("Đặt con trỏ vào ô này rồi quét mã QR ở mặt sau thẻ căn cước gắn chip."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    personal_id = forms.CharField(
        label=_("Hoặc nhập số định danh cá nhân"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("Lý do khám"), required=False, max_length=300)

    def clean(self):
        data = super().clean() or {}
        if not data.get("qr_text", "").strip() and not data.get("personal_id", "").strip():
            raise forms.ValidationError(
                _("Hãy quét mã QR trên thẻ căn cước hoặc nhập số định danh.")
            )
        return data


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do truy cập hồ sơ"),
        max_length=500,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lý do được ghi lại và người bệnh xem được ai đã đọc hồ sơ của mình."),
    )


class VitalSignsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, sign in VITAL_SIGNS.items():
            self.fields[code] = forms.DecimalField(
                label=f"{sign.label} ({sign.unit})", required=False, min_value=sign.low,
                max_value=sign.high, decimal_places=3,
            )  # fmt: skip


class ConditionForm(forms.Form):
    code = forms.CharField(label=_("Mã ICD-10"), max_length=10)
    text = forms.CharField(label=_("Diễn giải"), required=False, max_length=300)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú khám bệnh"), widget=forms.Textarea(attrs={"rows": 4}))


class ImmunizationForm(forms.Form):
    vaccine_code = forms.ChoiceField(label=_("Vắc xin"), choices=VACCINE_CHOICES)
    dose_number = forms.IntegerField(label=_("Mũi số"), min_value=1, max_value=10)
    occurred_on = forms.DateField(
        label=_("Ngày tiêm"), widget=forms.DateInput(attrs={"type": "date"})
    )
    lot_number = forms.CharField(label=_("Số lô"), required=False, max_length=40)


class SlotsForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Bắt đầu"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    count = forms.IntegerField(label=_("Số lượt"), min_value=1, max_value=48, initial=8)
    minutes = forms.IntegerField(
        label=_("Số phút mỗi lượt"), min_value=5, max_value=240, initial=15
    )
    kind = forms.ChoiceField(label=_("Hình thức"), choices=AppointmentKind.choices)


class BookForm(forms.Form):
    patient = forms.TypedChoiceField(label=_("Khám cho"), coerce=int)
    note = forms.CharField(label=_("Triệu chứng, ghi chú"), required=False, max_length=500)

    def __init__(self, *args, patients=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["patient"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.pk, p.full_name) for p in patients]
