from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError

from . import guidance, selectors, services
from .models import OnlineLevel, ProcedureLevel
from .pdf import declaration_form_pdf


class CatalogueFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Tìm thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "aria-describedby": "q-hint"}
        ),
    )
    sector = forms.ChoiceField(label=gettext_lazy("Lĩnh vực"), required=False)
    agency = forms.ChoiceField(label=gettext_lazy("Cơ quan"), required=False)
    level = forms.ChoiceField(
        label=gettext_lazy("Cấp thực hiện"),
        required=False,
        choices=[("", gettext_lazy("Tất cả"))] + list(ProcedureLevel.choices),
    )
    online_level = forms.ChoiceField(
        label=gettext_lazy("Dịch vụ công trực tuyến"),
        required=False,
        choices=[("", gettext_lazy("Tất cả"))] + list(OnlineLevel.choices),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tất cả"))]
        sectors, agencies = selectors.filter_choices()
        self.fields["sector"].choices = everything + sectors
        self.fields["agency"].choices = everything + agencies


def catalogue(request):
    form = CatalogueFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    results = selectors.procedures(**{k: v for k, v in filters.items() if v})
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    q = filters.get("q") or ""
    # Above the results: the services asked for that the province does not handle;
    # when nothing is asked, or nothing is found, the sectors and the usual procedures.
    elsewhere = selectors.elsewhere(q) if q else []
    suggest = not q.strip() or not page.paginator.count
    query = request.GET.copy()
    query.pop("page", None)
    template = "procedures/_results.html" if request.htmx else "procedures/catalogue.html"
    # The catalogue's own data notes: for any administrator (catalogue metadata, no
    # personal data; each edits only the procedures their scope covers).
    can_review_data = request.user.is_authenticated and authz.has_role(
        request.user, {Role.ADMINISTRATOR}, anywhere=True
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_review_data": can_review_data,
            "q": q,
            "elsewhere": elsewhere,
            "suggest": suggest,
            "sectors": selectors.filter_choices()[0] if suggest else [],
            "popular": selectors.popular_procedures() if suggest else [],
        },
    )


def detail(request, code: str):
    proc = selectors.procedure(code)
    if proc is None:
        raise Http404(code)
    definition = selectors.definition_of(selectors.current_version(proc))
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": proc,
            "definition": definition,
            "who": guidance.who_may_apply(definition),
            "desk": guidance.desk_of(proc),
            "can_edit": request.user.is_authenticated and services.can_edit(request.user, proc),
        },
    )


@login_required
def unverified(request):
    """For administrators: the entries whose data is not verified, with the internal
    note saying what to check."""
    if not authz.has_role(request.user, {Role.ADMINISTRATOR}, anywhere=True):
        return render(request, "403.html", status=403)
    page = Paginator(selectors.unverified_procedures(), 50).get_page(request.GET.get("page"))
    return render(request, "procedures/unverified.html", {"page": page})


def declaration_form(request, code: str):
    """The printable tờ khai, made from the procedure's current form."""
    proc = selectors.procedure(code)
    if proc is None:
        raise Http404(code)
    definition = selectors.definition_of(selectors.current_version(proc))
    response = HttpResponse(declaration_form_pdf(proc, definition), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="to-khai-{proc.code}.pdf"'
    return response


class ProcedureEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên thủ tục"), max_length=500)
    processing_days = forms.IntegerField(
        label=gettext_lazy("Thời hạn giải quyết (ngày làm việc)"), min_value=0, max_value=365
    )
    fee = forms.IntegerField(label=gettext_lazy("Phí, lệ phí (đồng)"), min_value=0)
    fee_note = forms.CharField(
        label=gettext_lazy("Ghi chú phí (công khai)"), max_length=300, required=False
    )
    data_note = forms.CharField(
        label=gettext_lazy("Ghi chú nội bộ về dữ liệu (không hiển thị cho công dân)"),
        max_length=300,
        required=False,
    )
    data_verified = forms.BooleanField(label=gettext_lazy("Dữ liệu đã xác minh"), required=False)
    online_level = forms.ChoiceField(
        label=gettext_lazy("Mức dịch vụ công trực tuyến"), choices=OnlineLevel.choices
    )
    result_type = forms.CharField(label=gettext_lazy("Kết quả"), max_length=300, required=False)
    documents = forms.CharField(
        label=gettext_lazy("Thành phần hồ sơ (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    fields_json = forms.CharField(
        label=gettext_lazy("Biểu mẫu (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    steps = forms.CharField(
        label=gettext_lazy("Các bước xử lý (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    note = forms.CharField(label=gettext_lazy("Lý do thay đổi"), max_length=300)

    def clean(self):
        cleaned = super().clean()
        for name in ("documents", "fields_json", "steps"):
            if name in cleaned:
                try:
                    value = json.loads(cleaned[name])
                except ValueError:
                    self.add_error(name, _("Không phải JSON hợp lệ."))
                    continue
                if not isinstance(value, list):
                    self.add_error(name, _("Phải là một danh sách JSON."))
                    continue
                cleaned[name] = value
        return cleaned


@login_required
def edit(request, code: str):
    proc = selectors.procedure(code)
    if proc is None:
        raise Http404(code)
    if not services.can_edit(request.user, proc):
        return render(request, "403.html", status=403)
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    definition = selectors.definition_of(selectors.current_version(proc))
    initial = {
        "name": definition.name,
        "processing_days": definition.processing_days,
        "fee": definition.fee,
        "fee_note": definition.fee_note,
        "data_note": definition.data_note,
        "data_verified": definition.data_verified,
        "online_level": definition.online_level,
        "result_type": definition.result_type,
        "documents": json.dumps(
            [d.model_dump() for d in definition.documents], ensure_ascii=False, indent=1
        ),
        "fields_json": json.dumps(
            [f.model_dump(exclude_none=True) for f in definition.fields],
            ensure_ascii=False,
            indent=1,
        ),
        "steps": json.dumps(
            [s.model_dump() for s in definition.steps], ensure_ascii=False, indent=1
        ),
    }
    form = ProcedureEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        data["fields"] = data.pop("fields_json")
        try:
            services.update_procedure(actor=request.user, procedure=proc, changes=data, note=note)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã lưu phiên bản mới của thủ tục."))
            return redirect("procedures:detail", code=proc.code)
    return render(
        request,
        "procedures/edit.html",
        {"form": form, "procedure": proc, "versions": proc.versions.order_by("-number")[:20]},
        status=400 if form.errors else 200,
    )
