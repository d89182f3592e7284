"""The operations centre's wall screen: the whole page once, then the figures again
every REFRESH seconds by HTMX polling (no reload)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from tinhso.accounts import authz
from tinhso.accounts.models import Role

from . import selectors

BOARD_ROLES = (Role.LEADER, Role.MONITORING, Role.ADMINISTRATOR)


def _refresh(request) -> int:
    """Seconds between polls: IOC_REFRESH_SECONDS, or `?lam-moi=N` (2 to 300) for a
    wall screen that wants it faster or slower."""
    default = int(getattr(settings, "IOC_REFRESH_SECONDS", 30))
    try:
        return min(300, max(2, int(request.GET.get("lam-moi", default))))
    except ValueError:
        return default


def _allowed(request):
    if not authz.has_role(request.user, BOARD_ROLES, anywhere=True):
        raise PermissionDenied
    if not request.user.is_verified():
        return redirect("accounts:otp_setup")
    return None


@login_required
def board(request):
    if (response := _allowed(request)) is not None:
        return response
    return render(
        request,
        "ioc/board.html",
        {
            "board": selectors.board(),
            "refresh": _refresh(request),
            "tile_url": settings.MAP_TILE_URL,
        },
    )


@login_required
def panel(request):
    """The figures alone, for the poll."""
    if (response := _allowed(request)) is not None:
        return response
    return render(
        request, "ioc/_panel.html", {"board": selectors.board(), "refresh": _refresh(request)}
    )
