from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def inbox(request):
    page = Paginator(selectors.notifications_for(request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request):
    ids = list(
        selectors.notifications_for(request.user, unread_only=True).values_list("pk", flat=True)
    )
    services.mark_read(user=request.user, notification_ids=ids)
    return redirect("notifications:inbox")
