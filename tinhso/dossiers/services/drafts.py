"""The result before it is signed: the specialist's draft (the procedure's template
with the answers filled in and edited, or a PDF they attach instead), and the
leader's approving and signing in one step."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core import uploads
from tinhso.core.errors import Conflict, PermissionDenied
from tinhso.core.late import writes_at_the_end

from .. import selectors, workflow
from ..error_codes import DossiersErrorCode
from ..models import Dossier, Status
from .actions import may, take_action
from .common import _audit, _locked

MAX_LINE = 2000
MAX_BODY = 4000


def _may_draft(actor, dossier: Dossier) -> None:
    """Whoever may submit the dossier for approval drafts its result, while it is in
    progress."""
    if not may(actor, workflow.TRANSITIONS["submit_for_approval"], dossier):
        if not selectors.can_see(actor, dossier):
            raise selectors.unknown_dossier(dossier.code)
        raise PermissionDenied(
            _("Bạn không được soạn kết quả của hồ sơ %(code)s.") % {"code": dossier.code},
            code=DossiersErrorCode.NOT_YOURS,
        )
    if dossier.status != Status.IN_PROGRESS:
        raise Conflict(
            _("Chỉ soạn dự thảo kết quả khi hồ sơ đang xử lý."),
            code=DossiersErrorCode.NOT_ALLOWED_IN_STATE,
        )


@transaction.atomic
@writes_at_the_end()
def save_result_draft(
    *,
    actor,
    code: str,
    values: dict[str, Any],
    body: str = "",
    upload=None,
    remove_file: bool = False,
) -> Dossier:
    """Keep the draft: one text per line of the template (a line left out keeps the
    answer), a free paragraph, and optionally a PDF that replaces the drawing."""
    from ..results import draft_lines

    dossier = _locked(code)
    _may_draft(actor, dossier)
    names = {line["name"] for line in draft_lines(dossier)}
    kept = {
        name: str(value).strip()[:MAX_LINE]
        for name, value in values.items()
        if name in names and isinstance(value, str)
    }
    old_file = dossier.result_draft_file
    if upload is not None:
        from pathlib import Path

        from django.conf import settings

        from tinhso.signing.services import check_signable

        stored = uploads.store_upload(upload, folder="results/drafts", allowed=("application/pdf",))
        try:
            check_signable((Path(settings.MEDIA_ROOT) / stored.relative_path).read_bytes())
        except Exception:
            uploads.remove_stored(stored.relative_path)
            raise
        dossier.result_draft_file = stored.relative_path
    elif remove_file:
        dossier.result_draft_file = ""
    dossier.result_draft = {"values": kept, "body": str(body or "").strip()[:MAX_BODY]}
    dossier.save(update_fields=["result_draft", "result_draft_file", "updated_at"])
    if old_file and old_file != dossier.result_draft_file:
        transaction.on_commit(lambda: uploads.remove_stored(old_file))
    _audit(
        dossier,
        actor=actor,
        action="result_drafted",
        after={"lines": sorted(kept), "attached_pdf": bool(dossier.result_draft_file)},
    )
    return dossier


@transaction.atomic
@writes_at_the_end()
def approve_and_sign(*, actor, code: str) -> Dossier:
    """The leader approves and signs at once: both steps, or neither."""
    take_action(actor=actor, code=code, action="approve")
    return take_action(actor=actor, code=code, action="sign")
