from django.conf import settings
from django.urls import reverse

from tinhso.accounts import authz
from tinhso.geo.selectors import home_province
from tinhso.oidc import national

# The national public-service portal's free hotline (dichvucong.gov.vn).
NATIONAL_PORTAL_HOTLINE = "18001096"


def platform(request):
    return {
        "province": home_province(),
        "debug_banner": settings.DEBUG,
        # Officers see the office's menus, not the citizen's (their dossiers, papers).
        "is_officer": authz.is_staff_member(getattr(request, "user", None)),
        "national_sign_in_url": reverse("national_sign_in:start") if national.enabled() else "",
        "support": {
            "hotline": settings.SUPPORT_HOTLINE,
            "email": settings.SUPPORT_EMAIL,
            "national_hotline": NATIONAL_PORTAL_HOTLINE,
        },
    }
