from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tinhso.geo.models import AdministrativeUnit, UnitLevel

from .models import Category, Status


def ward_choices() -> list[tuple[str, Any]]:
    wards = AdministrativeUnit.objects.filter(
        parent_id=settings.TINHSO_PROVINCE, level=UnitLevel.WARD, valid_to__isnull=True
    ).order_by("name_folded")
    return [("", _("— Chọn phường, xã —")), *((w.code, w.name) for w in wards)]


def category_choices(empty) -> list[tuple[str, Any]]:
    return [("", empty), *Category.objects.filter(is_active=True).values_list("code", "name")]


def set_choices(form: forms.Form, name: str, choices) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks
    each file's content."""

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return super().clean(data, initial)


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("Lĩnh vực"))
    description = forms.CharField(
        label=_("Mô tả vấn đề"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    photos = MultiplePhotoField(
        label=_("Ảnh (tối đa 5, JPEG hoặc PNG)"),
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("Vị trí trong ảnh được đọc rồi xóa khỏi tệp trước khi lưu."),
    )
    latitude = forms.FloatField(label=_("Vĩ độ"), required=False, widget=forms.NumberInput(
        attrs={"step": "any"}))  # fmt: skip
    longitude = forms.FloatField(label=_("Kinh độ"), required=False, widget=forms.NumberInput(
        attrs={"step": "any"}))  # fmt: skip
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=300)
    ward = forms.ChoiceField(label=_("Phường, xã"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "category", category_choices(_("— Chọn lĩnh vực —")))
        set_choices(self, "ward", ward_choices())


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20)
    code = forms.CharField(
        label=_("Mã xác nhận (6 chữ số)"), required=False, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )  # fmt: skip


class FilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    ward = forms.ChoiceField(label=_("Phường, xã"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *Status.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "category", category_choices(_("Tất cả")))
        set_choices(self, "ward", ward_choices())


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        coerce=int,
        choices=[(5, _("5 — Rất hài lòng")), (4, _("4 — Hài lòng")), (3, _("3 — Bình thường")),
                 (2, _("2 — Chưa hài lòng")), (1, _("1 — Chưa được giải quyết"))],
        widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(label=_("Ý kiến"), required=False, max_length=500)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Vì sao vấn đề chưa được giải quyết?"), max_length=1000)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Nội dung trả lời (công khai)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ForwardForm(forms.Form):
    agency = forms.ChoiceField(label=_("Chuyển đến cơ quan"))
    reason = forms.CharField(label=_("Lý do chuyển"), max_length=500)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "agency", [(a.code, a.name) for a in agencies])


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Giao cho"))

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "assignee", [(u.pk, u.get_full_name()) for u in officers])
