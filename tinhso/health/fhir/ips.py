"""The International Patient Summary (HL7 IPS) of a patient: a FHIR R4B document
Bundle with its Composition (problems, allergies, medications, immunizations,
vital signs), validated by fhir.resources."""

from __future__ import annotations

import uuid

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from .. import selectors
from ..models import Observation, Patient
from . import resources as r

LOINC = "http://loinc.org"
SECTIONS = [  # (LOINC code, display, Vietnamese title, key of the record)
    ("11450-4", "Problem list - Reported", "Bệnh, chẩn đoán", "conditions"),
    ("48765-2", "Allergies and adverse reactions Document", "Dị ứng", "allergies"),
    ("10160-0", "History of Medication use Narrative", "Thuốc", "medications"),
    ("11369-6", "History of Immunization Narrative", "Tiêm chủng", "immunizations"),
    ("8716-3", "Vital signs", "Dấu hiệu sinh tồn", "observations"),
]


def ips_bundle(patient: Patient, *, base: str | None = None) -> dict:
    """The patient's summary as a document Bundle (JSON-ready dict)."""
    base = (base or r.base_url()).rstrip("/")
    record = selectors.record_of(patient)
    latest: dict[str, Observation] = {}
    for o in record.observations:  # newest first: keep the latest of each sign
        latest.setdefault(o.code, o)
    groups: dict[str, list[dict]] = {
        "conditions": [r.condition_resource(c) for c in record.conditions],
        "allergies": [r.allergy_resource(a) for a in record.allergies],
        "medications": [
            r.medication_request_resource(rx, item)
            for rx in record.prescriptions
            for item in rx.items.all()
        ],
        "immunizations": [r.immunization_resource(i) for i in record.immunizations],
        "observations": [r.observation_resource(o) for o in latest.values()],
    }
    now = timezone.localtime().isoformat(timespec="seconds")

    def url(res: dict) -> str:
        return f"{base}/{res['resourceType']}/{res['id']}"

    sections = []
    for code, display, title, key in SECTIONS:
        entries = groups[key]
        section: dict = {
            "title": title,
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
            "text": {
                "status": "generated",
                "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{title}: {len(entries)}</div>',
            },
        }
        if entries:
            section["entry"] = [{"reference": url(e)} for e in entries]
        else:
            section["emptyReason"] = {
                "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                    "code": "unavailable",
                }]
            }  # fmt: skip
        sections.append(section)
    patient_resource = r.patient_resource(patient)
    composition = {
        "resourceType": "Composition",
        "id": str(uuid.uuid4()),
        "status": "final",
        "type": {"coding": [{"system": LOINC, "code": "60591-5",
                             "display": "Patient summary Document"}]},
        "subject": {"reference": url(patient_resource), "display": patient.full_name},
        "date": now,
        "author": [{"display": "Tỉnh số — hồ sơ sức khỏe điện tử"}],
        "title": f"Tóm tắt hồ sơ sức khỏe — {patient.full_name}",
        "confidentiality": "N",
        "section": sections,
    }  # fmt: skip
    resources = [composition, patient_resource] + [e for k in groups.values() for e in k]
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": "document",
        "timestamp": now,
        "entry": [{"fullUrl": f"{base}/Composition/{composition['id']}", "resource": composition}]
        + [{"fullUrl": url(res), "resource": res} for res in resources[1:]],
    }
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)
