from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import statements
from .models import PaymentMethod, Resolution


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp sao kê (CSV)"),
        help_text=_(
            "Sao kê xuất từ ngân hàng; các cột được nhận theo mẫu của ngân hàng (tự nhận nếu "
            "không chọn). Nhập lại cùng một sao kê không ghi nhận trùng."
        ),
    )
    format = forms.ChoiceField(label=_("Mẫu sao kê"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["format"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Tự nhận"))] + [(name, name) for name in statements.formats()]


class DeskPaymentForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=40)
    method = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[(m.value, m.label) for m in (PaymentMethod.CASH, PaymentMethod.CARD)],
        widget=forms.RadioSelect,
    )
    receipt_number = forms.CharField(label=_("Số chứng từ (phiếu thu, hoá đơn thẻ)"), max_length=60)


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Cách xử lý"), choices=Resolution.choices, widget=forms.RadioSelect
    )
    code = forms.CharField(
        label=_("Mã hồ sơ được nộp phí"),
        max_length=40,
        required=False,
        help_text=_("Khi chấp nhận một khoản chưa rõ hồ sơ: ghi mã hồ sơ người nộp muốn nộp."),
    )
    note = forms.CharField(
        label=_("Lý do, ghi chú"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ví dụ: đã gọi điện xác nhận; đã lập lệnh hoàn trả số …; không phải khoản phí."
        ),
    )
