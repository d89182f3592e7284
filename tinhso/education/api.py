"""Education for systems and apps: a parent's children and their marks; a teacher saves
marks of a class (the same services as the pages)."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from tinhso.accounts import authz
from tinhso.core.errors import NotFound
from tinhso.core.pagination import PageNumberPagination

from . import selectors, services
from .models import Pupil, SchoolClass, Subject, Term

router = Router(tags=["education"])


class ChildOut(Schema):
    id: int
    full_name: str
    school: str
    school_class: str | None

    @staticmethod
    def resolve_school(obj):
        return obj.school.agency.name

    @staticmethod
    def resolve_school_class(obj):
        return obj.school_class.name if obj.school_class_id else None


class MarkOut(Schema):
    subject: str
    term: int
    kind: str
    index: int
    score: Decimal | None
    comment: str


class SubjectMarksOut(Schema):
    subject: str
    marks: list[MarkOut]
    averages: dict[int, Decimal | None]


class MarkIn(Schema):
    pupil: int
    kind: str
    index: int = 1
    value: str


class MarksIn(Schema):
    subject: int
    term: int
    marks: list[MarkIn]
    reason: str = ""


class SavedOut(Schema):
    changed: int


@router.get("/education/children", response=list[ChildOut])
@paginate(PageNumberPagination)
def children(request):
    return selectors.children_of(request.user)


@router.get("/education/pupils/{pk}/marks", response=list[SubjectMarksOut])
def pupil_marks(request, pk: int):
    pupil = Pupil.objects.select_related("school__agency").filter(pk=pk).first()
    if pupil is None or not (
        selectors.is_parent_of(request.user, pupil)
        or authz.has_role(
            request.user, {*services.PRINCIPAL_ROLES, "teacher"}, agency=pupil.school.agency
        )
    ):
        raise NotFound(_("Không tìm thấy học sinh."))
    terms = list(Term.objects.all())
    return [
        {
            "subject": line.subject.code,
            "marks": [
                {"subject": line.subject.code, "term": m.term_id, "kind": m.kind,
                 "index": m.index, "score": m.score, "comment": m.comment}
                for ms in line.marks.values() for m in ms
            ],
            "averages": line.averages,
        }
        for line in selectors.pupil_marks(pupil, terms)
    ]  # fmt: skip


@router.post("/education/classes/{pk}/marks", response=SavedOut)
def save_marks(request, pk: int, body: MarksIn):
    changed = services.save_marks(
        actor=request.user,
        school_class=get_object_or_404(SchoolClass.objects.select_related("school"), pk=pk),
        subject=get_object_or_404(Subject, pk=body.subject),
        term=get_object_or_404(Term, pk=body.term),
        entries=[services.MarkEntry(m.pupil, m.kind, m.index, m.value) for m in body.marks],
        reason=body.reason,
    )
    return {"changed": changed}
