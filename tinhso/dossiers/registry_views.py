"""The public register entry of a signed result, where the QR on the paper leads
(/van-ban/<key>/, results.verification_link): its number, kind, issuing agency and
date, the holder (masked), its status and the SHA-256 of the original, the original
to download for whoever holds the key (printed on the paper) or is its holder, and a
check that an uploaded PDF *is* that document, byte for byte."""

from __future__ import annotations

import hashlib

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tinhso.core import uploads
from tinhso.core.identity import mask_id

from .models import Dossier, ResultState


class SameDocumentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp PDF cần đối chiếu"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


def mask_name(name: str) -> str:
    """ "Nguyễn Văn An" → "Nguyễn V. A.": the family name and initials."""
    parts = name.split()
    if len(parts) <= 1:
        return (name[:1] + "…") if name else ""
    return " ".join([parts[0], *(p[:1] + "." for p in parts[1:])])


def _entry(key: str) -> Dossier:
    dossier = (
        Dossier.objects.select_related("agency", "procedure", "applicant")
        .filter(result_key=key)
        .exclude(result_file="")
        .first()
    )
    if not key or dossier is None:
        raise Http404(key)
    return dossier


def _sha256_of(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


@require_http_methods(["GET", "POST"])
def entry(request, key: str):
    dossier = _entry(key)
    form = SameDocumentForm(request.POST or None, request.FILES or None)
    same = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = uploads.max_upload_bytes()
        if upload.size > limit:
            form.add_error("file", _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit // 2**20})
        else:
            same = _sha256_of(upload) == dossier.result_sha256
    return render(
        request,
        "dossiers/register_entry.html",
        {
            "dossier": dossier,
            "key": key,
            "kind": dossier.procedure.result_type or dossier.procedure.name,
            "holder": mask_name(dossier.applicant_name),
            "holder_id": mask_id(dossier.applicant_identifier),
            "state_label": ResultState(dossier.result_state).label,
            "valid": dossier.result_state == ResultState.VALID,
            "form": form,
            "same": same,
        },
        status=400 if form.errors else 200,
    )


def original(request, key: str):
    """The signed original, for whoever holds the key (the paper's QR): the key is
    the secret, as the tracking code's last digits are on the receipt."""
    dossier = _entry(key)
    return uploads.stored_file_response(
        dossier.result_file,
        content_type="application/pdf",
        filename=f"{dossier.result_number.replace('/', '-') or dossier.code}.pdf",
        attachment=False,
    )
