from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from . import audit_log as selectors
from . import authz


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Hành động"), required=False, max_length=80)
    actor = forms.CharField(label=_("Người thực hiện"), required=False, max_length=150)
    object_id = forms.CharField(label=_("Mã đối tượng"), required=False, max_length=80)
    since = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
def event_list(request):
    if not selectors.can_browse(request.user):
        return render(request, "403.html", status=403)
    if authz.needs_second_factor(request.user) and not request.user.is_verified():
        return redirect("accounts:otp_setup")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.events_for(user=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "audit/_rows.html" if request.htmx else "audit/event_list.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})
