from django.conf import settings
from django.urls import reverse

from tinhso.geo.selectors import home_province
from tinhso.oidc import national


def platform(request):
    return {
        "province": home_province(),
        "debug_banner": settings.DEBUG,
        "national_sign_in_url": reverse("national_sign_in:start") if national.enabled() else "",
    }
