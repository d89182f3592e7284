"""What a procedure's public page says besides its data: who may use the service and
where to file it in person (reads only; kept apart from the catalogue's search)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tinhso.accounts.models import Agency, AgencyKind

from .models import Procedure
from .schema import ProcedureDefinition


def who_may_apply(definition: ProcedureDefinition) -> str:
    """Who may use the service: the definition's own words, or what its form says
    (a business's fields; a paper authorising someone to file for another)."""
    if definition.who:
        return definition.who
    names = {f.name for f in definition.fields}
    by_proxy = any(d.kind == "van-ban-uy-quyen" for d in definition.documents)
    if names & {"ma_so_doanh_nghiep", "ten_doanh_nghiep", "ten_co_so", "ten_to_chuc"}:
        return _(
            "Doanh nghiệp, cơ sở, tổ chức, qua người đại diện theo pháp luật hoặc người "
            "được ủy quyền."
        )
    if by_proxy:
        return _("Cá nhân có yêu cầu, hoặc người được cá nhân đó ủy quyền (kèm văn bản ủy quyền).")
    return _("Cá nhân có yêu cầu.")


def desk_of(proc: Procedure):
    """Where the procedure is filed in person: the province's public administrative
    service centre, or (ward-level) the one-stop desk of any ward's People's
    Committee (one of them stands for their common opening hours)."""
    kind = AgencyKind.WARD_COMMITTEE if proc.level == "ward" else AgencyKind.SERVICE_CENTRE
    return Agency.objects.filter(kind=kind, is_active=True).order_by("code").first()
