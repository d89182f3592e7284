"""Helpers shared by the dossier services: routing, codes, the timeline, the lock."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.models import Agency, AgencyKind
from tinhso.audit.services import record_event
from tinhso.core.compiled import Compiled, insert
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.core.identity import mask_id
from tinhso.geo.models import AdministrativeUnit, UnitLevel
from tinhso.procedures import selectors as procedure_selectors
from tinhso.procedures.models import Procedure
from tinhso.procedures.schema import FieldDef, ProcedureDefinition, clean_form_data

from .. import selectors
from ..error_codes import DossiersErrorCode
from ..models import Dossier, DossierDocument, DossierEvent, DossierSequence

# ---------------------------------------------------------------- helpers


def _ward_exists(code: str) -> bool:
    return AdministrativeUnit.objects.filter(
        code=code,
        level=UnitLevel.WARD,
        parent_id=settings.TINHSO_PROVINCE,
        valid_to__isnull=True,
    ).exists()


def profile_values(user) -> dict[str, str]:
    """What the platform already knows about the applicant (once-only rule)."""
    values = {
        "full_name": user.full_name or user.organisation_name,
        "personal_id": user.personal_id or "",
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else "",
        "phone": user.phone,
        "email": user.email,
        "address": getattr(user, "address", ""),
    }
    return {k: v for k, v in values.items() if v}


def prefilled_fields(definition: ProcedureDefinition, user) -> dict[str, str]:
    """Form fields answered from the profile, by field name."""
    known = profile_values(user)
    return {f.name: known[f.prefill] for f in definition.fields if f.prefill in known}


def _clean(
    definition: ProcedureDefinition, user, data: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    data = dict(data or {})
    prefilled = prefilled_fields(definition, user)
    errors: dict[str, str] = {}
    by_name = {f.name: f for f in definition.fields}
    for name, value in prefilled.items():
        given = data.get(name)
        if given not in (None, "") and not _same(by_name[name], given, value):
            errors[name] = _(
                "Thông tin này lấy từ tài khoản của bạn (%(value)s), không cần nhập lại."
            ) % {"value": mask_id(value) if by_name[name].type == "cccd" else value}
        data[name] = value
    cleaned, field_errors = clean_form_data(
        definition.fields,
        data,
        today=timezone.localdate(),
        unit_exists=_ward_exists,
        partial=partial,
    )
    errors.update(field_errors)
    if errors:
        # The summary names the questions as the form asks them, never their keys.
        order = [f.name for f in definition.fields]
        named = sorted(errors, key=lambda k: order.index(k) if k in order else len(order))
        raise ValidationFailed(
            _("Thông tin trong biểu mẫu chưa hợp lệ: %(fields)s.")
            % {"fields": "; ".join(by_name[k].label if k in by_name else k for k in named)},
            code=DossiersErrorCode.INVALID_DATA,
            fields={f"data.{k}" if k != "data" else k: v for k, v in errors.items()},
        )
    return cleaned


def check_answers(*, actor, dossier: Dossier) -> None:
    """Every required answer given and every answer in range, or `ValidationFailed`
    naming each question (leaving the form's step; submitting checks it again)."""
    _clean(definition_of(dossier), actor, dossier.data, partial=False)


def _same(field: FieldDef, given: Any, known: str) -> bool:
    return str(given).strip().lower() == str(known).strip().lower()


def _unit_field(definition: ProcedureDefinition) -> FieldDef | None:
    return next((f for f in definition.fields if f.type == "unit"), None)


def _route(definition: ProcedureDefinition, procedure: Procedure, data: dict[str, Any]):
    """(processing agency, one-stop desk, unit filed at)."""
    if procedure.level == "ward":
        field = _unit_field(definition)
        ward_code = data.get(field.name) if field else None
        if not ward_code:
            raise ValidationFailed(
                _("Chọn phường/xã nơi nộp hồ sơ."),
                code=DossiersErrorCode.INVALID_DATA,
                fields={f"data.{field.name if field else 'ward'}": _("Chọn phường/xã.")},
            )
        committee = Agency.objects.select_related("unit").get(
            kind=AgencyKind.WARD_COMMITTEE, unit_id=ward_code
        )
        return committee, committee, committee.unit
    desk = _FIRST_OF_KIND.first(AgencyKind.SERVICE_CENTRE) or procedure.agency
    return procedure.agency, desk, procedure.agency.unit


_FIRST_OF_KIND = Compiled(
    lambda kind: Agency.objects.filter(kind=kind).order_by("path", "pk")[:1], ["«agency-kind»"]
)


def _next_code(agency: Agency, day: datetime.date) -> str:
    """The agency's next number of the day: one `UPDATE … RETURNING` (the row stays
    locked to the commit, so numbers follow the commits' order without a gap); the
    day's first dossier creates the row."""
    table = DossierSequence._meta.db_table
    for _attempt in range(3):
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" SET "last" = "last" + 1 '  # noqa: S608  # nosec B608: our table's name
                'WHERE "agency_code" = %s AND "day" = %s RETURNING "last"',
                [agency.code, day],
            )
            row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    DossierSequence.objects.create(agency_code=agency.code, day=day, last=1)
            except IntegrityError:
                continue  # created meanwhile by another request: count on it
            row = (1,)
        return settings.DOSSIER_CODE_FORMAT.format(agency=agency.code, date=day, seq=row[0])
    raise Conflict(_("Hệ thống đang bận, vui lòng thử lại."))


def _event(dossier: Dossier, *, actor, action: str, before: str, note: str = "") -> DossierEvent:
    return insert(
        DossierEvent(
            dossier=dossier,
            actor=actor,
            actor_label=actor.get_full_name() if actor else _("Hệ thống"),
            action=action,
            from_status=before,
            to_status=dossier.status,
            note=note,
        )
    )


def _put_paper(
    dossier: Dossier, *, kind: str, stored, actor, now, made_from: str = ""
) -> DossierDocument:
    """The stored file becomes the dossier's current paper of `kind`; the one before it
    is kept, marked replaced. `made_from`: the answers' fingerprint of a declaration we
    made (never set for a paper someone sent)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _REPLACED, [_REPLACED_AT.get_db_prep_save(now, connection), dossier.pk, kind]
        )
    return insert(
        DossierDocument(
            dossier=dossier,
            kind=kind,
            file_path=stored.relative_path,
            display_name=stored.display_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor,
            made_from=made_from,
        )
    )


_REPLACED_AT = DossierDocument._meta.get_field("replaced_at")
_REPLACED = (
    f'UPDATE "{DossierDocument._meta.db_table}" SET "replaced_at" = %s '  # noqa: S608  # nosec B608: our table
    'WHERE "dossier_id" = %s AND "kind" = %s AND "replaced_at" IS NULL'
)


def _audit(
    dossier: Dossier, *, actor, action: str, before=None, after=None, agency_code: str = ""
) -> None:
    record_event(
        actor=actor,
        action=f"dossiers.{action}",
        object_type="dossiers.Dossier",
        object_id=dossier.code,
        before=before,
        after=after,
        agency_code=agency_code or dossier.agency.code,
    )


def _require_applicant(actor, dossier: Dossier) -> None:
    if actor is None or actor.pk != dossier.applicant_id:
        raise PermissionDenied(
            _("Chỉ người nộp hồ sơ mới thực hiện được thao tác này."),
            code=DossiersErrorCode.NOT_YOURS,
        )


def tracking_link(dossier: Dossier) -> str:
    return f"{settings.PUBLIC_BASE_URL}/tra-cuu/?ma={dossier.code}"


LOCKED_WITH = ("agency", "desk", "procedure", "procedure_version", "applicant")


def _lock_query(related: tuple[str, ...]) -> Compiled[Dossier]:
    def build(code: str):
        qs = Dossier.objects.select_for_update(of=("self",)).select_related(*related)
        if "procedure_version" in related:
            qs = qs.defer("procedure_version__data")
        return qs.filter(code=code).order_by()

    return Compiled(build, ["\u00abdossier-code\u00bb"])


# One per set of related rows asked for, compiled once per process (the ORM took
# longer to build this statement than PostgreSQL to run it: bench/load).
_LOCK_QUERIES: dict[tuple[str, ...], Compiled[Dossier]] = {
    related: _lock_query(related) for related in (LOCKED_WITH, ("agency", "procedure_version"))
}


def _locked(dossier_or_code, *, related: tuple[str, ...] = LOCKED_WITH) -> Dossier:
    """The dossier's row, locked to the commit, with the `related` rows a write needs.
    Not its version's form definition (parsed once per process: definition_of)."""
    code = dossier_or_code.code if isinstance(dossier_or_code, Dossier) else dossier_or_code
    query = _LOCK_QUERIES.get(related) or _LOCK_QUERIES.setdefault(related, _lock_query(related))
    found = query.first(code)
    if found is None:
        raise selectors.unknown_dossier(code)
    return found


_CURRENT_DOCUMENTS = Compiled(
    lambda dossier_id: DossierDocument.objects.filter(
        dossier_id=dossier_id, replaced_at__isnull=True
    ).order_by("kind", "pk"),
    [2_147_000_003],  # never a dossier's id in this statement's first build
)


def current_documents(dossier: Dossier) -> list[DossierDocument]:
    found = _CURRENT_DOCUMENTS.all(dossier.pk)
    for document in found:
        document.dossier = dossier
    return found


def missing_documents(dossier: Dossier, definition: ProcedureDefinition) -> list[str]:
    have = {d.kind for d in current_documents(dossier)}
    return [
        d.label
        for d in definition.documents
        if d.required and not d.generated and d.kind not in have
    ]


def definition_of(dossier: Dossier) -> ProcedureDefinition:
    """The version's definition, with the deadline and steps of the case the answers
    select (the building permit's individual house: 7 working days, not 10)."""
    return procedure_selectors.definition_of(dossier.procedure_version).for_answers(dossier.data)
