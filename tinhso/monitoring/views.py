"""Dashboards: the public page of the province's figures, the goals tracker, and the
steering dashboard of the province or of one agency, with exports of every table."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.core.errors import DomainError, PermissionDenied

from . import dashboard, exports, goals, selectors
from .models import Programme


def _period(request) -> str:
    return (request.GET.get("period") or dashboard.default_period()).strip()[:7]


def _export(request, board: dashboard.Dashboard):
    key, fmt = request.GET.get("export", ""), request.GET.get("format", "csv")
    table = board.tables().get(key)
    if table is None or fmt not in exports.FORMATS:
        return None
    name = f"{key}-{board.unit or 'tinh'}-{board.period}"
    return exports.table_response(filename=name, columns=table.columns, rows=table.rows, fmt=fmt)


def _render(request, template, *, build, extra=None):
    error = None
    try:
        board = build(_period(request))
    except PermissionDenied:
        raise
    except DomainError as exc:
        error = exc.message
        board = build(dashboard.default_period())
    download = _export(request, board)
    if download is not None:
        return download
    context = {
        "board": board,
        "error": error,
        "period_input": board.period if error else _period(request),
        "periods": selectors.available_periods(),
    }
    return render(request, template, {**context, **(extra or {})})


def public_index(request):
    """The province's figures, for anyone."""
    return _render(
        request,
        "monitoring/public.html",
        build=lambda period: dashboard.build(period=period, public=True),
    )


def goal_tracker(request):
    progress = goals.goals_progress()
    programmes = []
    for programme in Programme.objects.all():
        rows = [p for p in progress if p.goal.programme_id == programme.pk]
        programmes.append(
            {"programme": programme, "rows": rows, "counts": goals.status_counts(rows)}
        )
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        columns = [_("Văn bản"), _("Mã"), _("Nội dung"), _("Cơ quan chủ trì"), _("Đơn vị tính"),
                   _("Chỉ tiêu"), _("Hạn"), _("Giá trị mới nhất"), _("Ngày đo"), _("Trạng thái"),
                   _("Nguồn")]  # fmt: skip
        rows = [[p.goal.programme.number, p.goal.code, p.goal.title,
                 p.goal.owner.code if p.goal.owner else "", p.goal.unit, p.goal.target,
                 p.goal.due, p.latest.value if p.latest else None,
                 p.latest.measured_on if p.latest else None, str(p.status_label),
                 p.latest.source if p.latest else p.goal.source] for p in progress]  # fmt: skip
        return exports.table_response(filename="muc-tieu", columns=columns, rows=rows, fmt=fmt)
    return render(request, "monitoring/goals.html", {
        "programmes": programmes, "labels": goals.STATUS_LABELS,
        "counts": goals.status_counts(progress),
    })  # fmt: skip


@login_required
def steering(request):
    """The steering dashboard of the province (or of `unit`: an agency or ward)."""
    if not authz.is_staff_member(request.user):
        return render(request, "403.html", status=403)
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    choices = dashboard.viewable_agencies(request.user)
    if not choices:
        return render(request, "403.html", status=403)
    unit = (request.GET.get("unit") or "").strip()[:40]
    if not unit:
        unit = "" if choices[0].code == dashboard.PROVINCE_AGENCY else choices[0].code
    try:
        return _render(
            request,
            "monitoring/steering.html",
            build=lambda period: dashboard.build(period=period, unit=unit, viewer=request.user),
            extra={"choices": choices, "unit": unit},
        )
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
