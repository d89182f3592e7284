"""The registry for systems: people (golden records), the review queue, decisions."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from tinhso.core.errors import NotFound
from tinhso.core.pagination import PageNumberPagination

from . import selectors, services
from .models import Person, ReviewPair

router = Router(tags=["population"])


class PersonOut(Schema):
    id: int
    full_name: str
    date_of_birth: datetime.date | None
    dob_precision: str
    sex: str
    personal_id: str = Field(validation_alias="masked_personal_id")
    ward: str | None = Field(None, validation_alias="ward_id")


class EvidenceOut(Schema):
    comparison: str
    level: str
    bayes_factor: float


class PairOut(Schema):
    id: int
    record_a: str = Field(validation_alias="record_a.record_id")
    record_b: str = Field(validation_alias="record_b.record_id")
    person_a: int | None = Field(None, validation_alias="record_a.person_id")
    person_b: int | None = Field(None, validation_alias="record_b.person_id")
    match_probability: float
    state: str
    evidence: list[EvidenceOut]


class DecisionIn(Schema):
    same_person: bool
    note: str = Field("", max_length=500)


class MatchIn(Schema):
    """Any subset; at least one must be given."""

    full_name: str = Field("", max_length=150)
    date_of_birth: str = Field(
        "", max_length=20, description="DD/MM/YYYY, YYYY-MM-DD, MM/YYYY or YYYY"
    )
    sex: str = Field("", max_length=10)
    personal_id: str = Field("", max_length=20)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=300)
    ward: str = Field("", max_length=10, description="ward code")
    father_name: str = Field("", max_length=150)
    mother_name: str = Field("", max_length=150)


class MatchEvidenceOut(Schema):
    field: str
    comparison: str
    level: str
    agreement: str  # agree | disagree | missing
    bayes_factor: float


class CandidateOut(Schema):
    person: PersonOut
    score: float
    evidence: list[MatchEvidenceOut]


class MatchOut(Schema):
    candidates: list[CandidateOut]


@router.post("/population/match", response=MatchOut)
def match(request, body: MatchIn | None = None):
    """Up to 5 people of the registry the fields may describe, ranked, with the evidence:
    registry keepers, within their scope; audited."""
    fields = body.model_dump() if body is not None else {}
    return {"candidates": selectors.match_person(viewer=request.user, **fields)}


@router.get("/population/persons", response=list[PersonOut])
@paginate(PageNumberPagination)
def persons(request, q: str = ""):
    return selectors.people(viewer=request.user, q=q[:100])


@router.get("/population/persons/{pk}", response=PersonOut)
def person(request, pk: int):
    try:
        return selectors.person_detail(pk, viewer=request.user)
    except Person.DoesNotExist:
        raise NotFound(_("Không tìm thấy công dân.")) from None


@router.get("/population/reviews", response=list[PairOut])
@paginate(PageNumberPagination)
def reviews(request):
    return selectors.review_queue(viewer=request.user)


@router.post("/population/reviews/{pk}/decision", response=PairOut)
def decide(request, pk: int, body: DecisionIn):
    pair = get_object_or_404(ReviewPair, pk=pk)  # the service checks both people's scope
    return services.decide_pair(
        actor=request.user, pair=pair, same_person=body.same_person, note=body.note
    )
