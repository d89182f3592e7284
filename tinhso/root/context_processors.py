from django.conf import settings

from tinhso.geo.selectors import home_province


def platform(request):
    return {"province": home_province(), "debug_banner": settings.DEBUG}
