"""Feedback for systems: an officer answers a report (CONTRACT.md); anyone reads a
report's public state. The Open311 GeoReport v2 endpoints are in `open311`."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema

from tinhso.core.errors import NotFound

from . import selectors, services
from .models import Report

router = Router(tags=["feedback"])


class AnswerIn(Schema):
    answer: str


class ReportOut(Schema):
    code: str
    category: str
    status: str
    agency: str
    due_date: datetime.date
    answer: str
    answered_at: datetime.datetime | None

    @staticmethod
    def resolve_category(obj):
        return obj.category.code

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.code


def _report(code: str) -> Report:
    report = selectors.report_by_code(code)
    if report is None:
        raise NotFound(_("Không có phản ánh mã %(code)s.") % {"code": code})
    return report


@router.get("/feedback/{code}", response=ReportOut, summary="Trạng thái một phản ánh")
def get_report(request, code: str):
    return _report(code)


@router.post("/feedback/{code}/answer", response=ReportOut, summary="Trả lời phản ánh")
def answer(request, code: str, payload: AnswerIn):
    """By an officer of the agency responsible: the report is `closed` and the answer
    public (Open311 `status_notes`)."""
    return services.answer_report(actor=request.user, report=_report(code), answer=payload.answer)
