from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from tinhso.core import uploads

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
