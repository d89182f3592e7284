"""Read and search: the resource types a patient's record is searched by, a
patient's own search, `Patient/{id}/$everything`."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.text import fold

from .. import selectors
from ..identifiers import BHXH_SYSTEM, BHYT_SYSTEM, CCCD_SYSTEM
from ..models import (
    AllergyIntolerance,
    Appointment,
    Condition,
    Encounter,
    Immunization,
    Observation,
    Patient,
    Prescription,
    PrescriptionItem,
)
from . import resources as r
from .common import Context, FhirError, _base, _self_url, searchset


def _patient_param(request, ctx: Context) -> Patient:
    value = request.GET.get("patient") or request.GET.get("subject") or ""
    value = value.removeprefix("Patient/").rsplit("/Patient/", 1)[-1]
    if not value:
        raise FhirError(400, "required", _("Tìm kiếm cần tham số patient."))
    patient = Patient.objects.filter(pk=value).first() if value.isdigit() else None
    if patient is None:
        raise FhirError(404, "not-found", _("Không có người bệnh %(id)s.") % {"id": value})
    ctx.read(patient)
    return patient


def _patients(request, ctx: Context) -> QuerySet:
    qs = Patient.objects.select_related("bhyt_facility").order_by("pk")
    known = {"identifier", "name", "birthdate", "_id", "_count", "_offset", "_format"}
    unknown = set(request.GET) - known
    if unknown:
        raise FhirError(400, "not-supported",
                        _("Tham số tìm kiếm không hỗ trợ: %(p)s") % {"p": ", ".join(sorted(unknown))})  # fmt: skip
    if "_id" in request.GET:
        qs = qs.filter(pk=request.GET["_id"] if request.GET["_id"].isdigit() else 0)
    if "identifier" in request.GET:
        system, _sep, value = request.GET["identifier"].rpartition("|")
        value = value.strip().upper()
        by_system = {
            CCCD_SYSTEM: Q(personal_id=value),
            BHYT_SYSTEM: Q(bhyt_card_code=value) | Q(social_insurance_number=value),
            BHXH_SYSTEM: Q(social_insurance_number=value),
            "": Q(personal_id=value) | Q(bhyt_card_code=value) | Q(social_insurance_number=value),
        }
        if system not in by_system:
            raise FhirError(400, "not-supported",
                            _("Hệ định danh không hỗ trợ: %(s)s") % {"s": system})  # fmt: skip
        qs = qs.filter(by_system[system])
    if "name" in request.GET:
        qs = qs.filter(name_folded__contains=fold(request.GET["name"]))
    if "birthdate" in request.GET:
        try:
            day = datetime.date.fromisoformat(request.GET["birthdate"].removeprefix("eq"))
        except ValueError:
            raise FhirError(400, "invalid", _("birthdate có dạng YYYY-MM-DD.")) from None
        qs = qs.filter(date_of_birth=day)
    # Only patients this reader may open (seen at their facility, or break-glass).
    glass = Exists(
        selectors.BreakGlassAccess.objects.filter(
            user=ctx.user, patient=OuterRef("pk"), expires_at__gt=timezone.now()
        )
    )
    return qs.filter(selectors.seen_q(ctx.facilities) | glass)


TYPES: dict[str, dict] = {
    "Encounter": {
        "model": Encounter,
        "related": ("facility", "practitioner"),
        "build": lambda e: [r.encounter_resource(e)],
        "order": "-started_at",
    },
    "Condition": {
        "model": Condition,
        "related": ("recorded_by",),
        "build": lambda c: [r.condition_resource(c)],
        "order": "-recorded_at",
    },
    "Observation": {
        "model": Observation,
        "related": (),
        "build": lambda o: [r.observation_resource(o)],
        "order": "-effective_at",
    },
    "AllergyIntolerance": {
        "model": AllergyIntolerance,
        "related": (),
        "build": lambda a: [r.allergy_resource(a)],
        "order": "-recorded_at",
    },
    "Immunization": {
        "model": Immunization,
        "related": ("facility", "practitioner"),
        "build": lambda i: [r.immunization_resource(i)],
        "order": "occurred_on",
    },
    "Appointment": {
        "model": Appointment,
        "related": ("facility", "practitioner"),
        "build": lambda a: [r.appointment_resource(a)],
        "order": "start",
    },
}


def _rx_build(rx: Prescription) -> list[dict]:
    return [r.medication_request_resource(rx, item) for item in rx.items.all()]


def _everything(request, ctx: Context, patient: Patient) -> dict:
    ctx.read(patient)
    record = selectors.record_of(patient)
    resources = [r.patient_resource(patient)]
    resources += [r.encounter_resource(e) for e in record.encounters]
    resources += [r.condition_resource(c) for c in record.conditions]
    resources += [r.observation_resource(o) for o in record.observations]
    resources += [r.allergy_resource(a) for a in record.allergies]
    resources += [r.immunization_resource(i) for i in record.immunizations]
    for rx in record.prescriptions:
        resources += _rx_build(rx)
    appointments = Appointment.objects.filter(patient=patient).select_related(
        "facility", "practitioner"
    )
    resources += [r.appointment_resource(a) for a in appointments[: selectors.RECORD_LIMIT]]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": _self_url(request)}],
        "entry": [
            {"fullUrl": f"{_base()}/{res['resourceType']}/{res['id']}", "resource": res}
            for res in resources
        ],
    }


def _read(ctx: Context, kind: str, rid: str) -> dict:
    if kind == "Patient":
        patient = (
            Patient.objects.filter(pk=rid).select_related("bhyt_facility").first()
            if rid.isdigit()
            else None
        )
        if patient is None:
            raise FhirError(
                404, "not-found", _("Không tìm thấy %(t)s/%(id)s.") % {"t": kind, "id": rid}
            )
        ctx.read(patient)
        return r.patient_resource(patient)
    if kind == "MedicationRequest":
        rx_id, _sep, item_id = rid.partition("-")
        item = (
            PrescriptionItem.objects.filter(pk=item_id, prescription_id=rx_id)
            .select_related("prescription__practitioner", "prescription__patient")
            .first()
            if rx_id.isdigit() and item_id.isdigit()
            else None
        )
        if item is None:
            raise FhirError(
                404, "not-found", _("Không tìm thấy %(t)s/%(id)s.") % {"t": kind, "id": rid}
            )
        ctx.read(item.prescription.patient)
        return r.medication_request_resource(item.prescription, item)
    spec = TYPES[kind]
    row = (
        spec["model"].objects.filter(pk=rid).select_related("patient", *spec["related"]).first()
        if rid.isdigit()
        else None
    )
    if row is None or row.patient_id is None:
        raise FhirError(
            404, "not-found", _("Không tìm thấy %(t)s/%(id)s.") % {"t": kind, "id": rid}
        )
    ctx.read(row.patient)
    return spec["build"](row)[0]


def _search(request, ctx: Context, kind: str) -> dict:
    if kind == "Patient":
        return searchset(request, ctx, _patients(request, ctx), lambda p: [r.patient_resource(p)],
                         lambda p: p)  # fmt: skip
    patient = _patient_param(request, ctx)
    if kind == "MedicationRequest":
        qs = (
            Prescription.objects.filter(patient=patient)
            .select_related("practitioner", "patient")
            .prefetch_related("items")
            .order_by("-created_at")
        )
        return searchset(request, ctx, qs, _rx_build, lambda rx: rx.patient)
    spec = TYPES[kind]
    qs = spec["model"].objects.filter(patient=patient).select_related(*spec["related"])
    return searchset(
        request, ctx, qs.order_by(spec["order"], "pk"), spec["build"], lambda _row: patient
    )
