from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Mã xác thực 6 chữ số"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )


class CitizenRegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân (12 chữ số trên thẻ căn cước)"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"), widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=User._meta.get_field("sex").choices)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, required=False)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(
        label=_("Mật khẩu (ít nhất 10 ký tự)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ProfileForm(forms.Form):
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, required=False)


class AgencySettingsForm(forms.Form):
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    cut_off_time = forms.TimeField(
        label=_("Giờ tiếp nhận cuối trong ngày"),
        help_text=_("Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp theo."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )


class IdentityVerificationForm(forms.Form):
    """A one-stop officer, with the citizen's ID card in hand."""

    personal_id = forms.CharField(
        label=_("Số định danh cá nhân trên căn cước"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh trên căn cước"), widget=forms.DateInput(attrs={"type": "date"})
    )
    checked = forms.BooleanField(
        label=_("Tôi đã đối chiếu căn cước bản gốc với người đang đứng trước quầy."),
        required=True,
    )
    note = forms.CharField(label=_("Ghi chú (không bắt buộc)"), max_length=300, required=False)
