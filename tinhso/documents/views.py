from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tinhso.core import throttle, uploads
from tinhso.core.identity import mask_id

from . import selectors


@login_required
def my_documents(request):
    return render(
        request, "documents/mine.html", {"documents": selectors.documents_of(request.user)[:200]}
    )


@login_required
def download(request, pk: int):
    document = selectors.document_of(request.user, pk)
    if document is None:
        raise Http404(pk)
    return uploads.stored_file_response(
        document.file_path,
        content_type=document.content_type,
        filename=f"{document.title[:60]}.pdf"
        if document.content_type == "application/pdf"
        else "tep",
    )


class CompareForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp PDF cần đối chiếu"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


COMPARE_WINDOW_SECONDS = 600


def _compare_allowed(request) -> bool:
    return throttle.allow(
        throttle.address_key(request, "issued-compare"),
        limit=throttle.limit_setting("VERIFICATIONS_PER_ADDRESS", 30),
        window_seconds=COMPARE_WINDOW_SECONDS,
    )


@require_http_methods(["GET", "POST"])
def issued(request, code: str):
    """Sổ văn bản đã cấp, one entry: number, kind, issuer, date, holder (masked), status
    and the SHA-256 of the original; a file uploaded here is checked against it."""
    entry = selectors.issued_by_code(code)
    if entry is None:
        raise Http404(code)
    form = CompareForm(request.POST or None, request.FILES or None)
    same = None
    status = 200
    if request.method == "POST":
        if not _compare_allowed(request):
            form.add_error(
                None, _("Bạn đã gửi quá nhiều tệp trong thời gian ngắn. Vui lòng thử lại sau.")
            )
            status = 429
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > uploads.max_upload_bytes():
                form.add_error("file", _("Tệp quá lớn."))
            else:
                same = selectors.is_that_document(entry, upload.read())
        if form.errors and status == 200:
            status = 400
    return render(
        request,
        "documents/issued.html",
        {
            "entry": entry,
            "holder": selectors.masked_holder(entry.holder_name),
            "holder_id": mask_id(entry.holder_identifier),
            "form": form,
            "same": same,
        },
        status=status,
    )


def issued_original(request, code: str):
    """The original, for the holder or anyone who has the full code."""
    entry = selectors.issued_by_code(code)
    if entry is None:
        raise Http404(code)
    return uploads.stored_file_response(
        entry.file_path,
        content_type=entry.content_type,
        filename=f"{entry.code}.pdf",
    )
