"""Create: Condition, Observation, AllergyIntolerance and Immunization, validated as
FHIR R4B and written through the health services."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from pydantic import ValidationError

from .. import services
from ..models import Encounter, Patient
from . import resources as r
from .common import Context, FhirError


def _reference_id(ref: dict | None, kind: str) -> int | None:
    value = (ref or {}).get("reference", "")
    if not value.startswith(f"{kind}/") or not value[len(kind) + 1 :].isdigit():
        return None
    return int(value[len(kind) + 1 :])


def _coding(concept: dict | None, system: str) -> str:
    for coding in (concept or {}).get("coding", []):
        if coding.get("system") == system and coding.get("code"):
            return coding["code"]
    return ""


def _create(ctx: Context, kind: str, body: dict):
    from fhir.resources.R4B import get_fhir_model_class

    if body.get("resourceType") != kind:
        raise FhirError(400, "invalid", _("resourceType phải là %(t)s.") % {"t": kind})
    try:
        get_fhir_model_class(kind).model_validate(body)
    except ValidationError as exc:
        raise FhirError(400, "structure", _("Tài nguyên FHIR không hợp lệ: %(e)s")
                        % {"e": "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                          for e in exc.errors()[:5])}) from None  # fmt: skip
    ref = (
        body.get("patient")
        if kind in ("AllergyIntolerance", "Immunization")
        else body.get("subject")
    )
    pid = _reference_id(ref, "Patient")
    patient = Patient.objects.filter(pk=pid).first() if pid else None
    if patient is None:
        raise FhirError(400, "required", _("Cần tham chiếu Patient/{id} của người bệnh có thật."))
    ctx.read(patient)
    encounter = None
    if eid := _reference_id(body.get("encounter"), "Encounter"):
        encounter = (
            Encounter.objects.filter(pk=eid, patient=patient).select_related("facility").first()
        )
        if encounter is None:
            raise FhirError(400, "invalid", _("Encounter không thuộc người bệnh này."))
    facility = encounter.facility if encounter else ctx.facility_for(patient)
    common = {"actor": ctx.user, "facility": facility, "patient": patient}
    if kind == "Condition":
        code = _coding(body.get("code"), r.codes.ICD10_SYSTEM)
        return services.add_condition(**common, code=code, encounter=encounter,
                                      text=(body.get("code") or {}).get("text", "")), r.condition_resource  # fmt: skip
    if kind == "Observation":
        quantity = body.get("valueQuantity") or {}
        return services.add_observation(
            **common, code=_coding(body.get("code"), r.codes.LOINC_SYSTEM),
            value=quantity.get("value", ""), encounter=encounter,
        ), r.observation_resource  # fmt: skip
    if kind == "AllergyIntolerance":
        category = (body.get("category") or ["medication"])[0]
        reaction = "; ".join(
            m.get("text", "") for x in body.get("reaction", []) for m in x.get("manifestation", [])
        )
        return services.add_allergy(
            **common, substance=(body.get("code") or {}).get("text", ""), category=category,
            criticality=body.get("criticality", "low"), reaction=reaction,
        ), r.allergy_resource  # fmt: skip
    if kind == "Immunization":
        concept = body.get("vaccineCode") or {}
        protocol = (body.get("protocolApplied") or [{}])[0]
        occurred = str(body.get("occurrenceDateTime", ""))[:10]
        try:
            day = datetime.date.fromisoformat(occurred)
        except ValueError:
            raise FhirError(400, "invalid", _("occurrenceDateTime không hợp lệ.")) from None
        return services.record_immunization(
            **common, vaccine_code=_coding(concept, r.codes.CVX_SYSTEM),
            dose_number=int(protocol.get("doseNumberPositiveInt") or 1),
            series_doses=protocol.get("seriesDosesPositiveInt"), occurred_on=day,
            lot_number=body.get("lotNumber", ""), product_name=concept.get("text", ""),
            manufacturer=(body.get("manufacturer") or {}).get("display", ""), encounter=encounter,
        ), r.immunization_resource  # fmt: skip
    raise FhirError(405, "not-supported", _("Không hỗ trợ tạo %(t)s.") % {"t": kind})
