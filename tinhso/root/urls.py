from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite

from tinhso.core import views as core_views
from tinhso.dossiers import views as dossier_views
from tinhso.health.fhir import api as fhir_api
from tinhso.monitoring.urls import office_urlpatterns as monitoring_office
from tinhso.opendata import ckan
from tinhso.root import views as root_views
from tinhso.root.api import api

# The admin site needs the second factor too.
admin.site.__class__ = OTPAdminSite

app_urls = [
    path("", root_views.home, name="home"),
    path("lam-viec/", root_views.workspace, name="workspace"),
    *[
        path(f"{page}/", root_views.info_page, {"page": page}, name=page)
        for page in root_views.INFO_PAGES
    ],
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("img/favicon.ico"), permanent=True),
        name="favicon",
    ),
    path("api/v1/", api.urls),
    # CKAN clients call /api/3/action/<name>; older ones /api/action/<name>.
    path("api/3/action/<slug:name>", ckan.action, name="ckan_action"),
    path("api/action/<slug:name>", ckan.action),
    path("du-lieu-mo/", include("tinhso.opendata.urls")),
    path("chi-so/", include("tinhso.monitoring.urls")),
    path("lam-viec/dieu-hanh/", include((monitoring_office, "steering"))),
    path("i18n/setlang/", set_language, name="set_language"),
    path("tai-khoan/dinh-danh-quoc-gia/", include("tinhso.oidc.national_urls")),
    path("tai-khoan/", include("tinhso.accounts.urls")),
    path("nhat-ky/", include("tinhso.accounts.audit_urls")),
    path("thu-tuc/", include("tinhso.procedures.urls")),
    path("ho-so/", include("tinhso.dossiers.urls")),
    path("lam-viec/ho-so/", include("tinhso.dossiers.office_urls")),
    path("lam-viec/tai-chinh/", include("tinhso.payments.urls")),
    path("thanh-toan/", include("tinhso.payments.public_urls")),
    path("tra-cuu/", dossier_views.track, name="track"),
    path("thong-bao/", include("tinhso.notifications.urls")),
    path("kho-giay-to/", include("tinhso.documents.urls")),
    # The QR on a signed paper (a result, a school report, a diploma) opens its entry.
    path("van-ban/", include("tinhso.documents.public_urls")),
    path("", include("tinhso.signing.urls")),
    path("dan-cu/", include("tinhso.population.urls")),
    path("giao-duc/", include("tinhso.education.urls")),
    path("y-te/", include("tinhso.health.urls")),
    path("y-te/", include("tinhso.health.dcc_urls")),
    re_path(r"^fhir/(?P<path>.*)$", fhir_api.endpoint, name="fhir"),
    path("phan-anh/", include("tinhso.feedback.urls")),
    path("open311/v2/", include("tinhso.feedback.open311_urls")),
    path("ioc/", include("tinhso.ioc.urls")),
    path("", include("tinhso.oidc.urls")),  # /.well-known/openid-configuration, /oidc/…
    path("quan-tri/", admin.site.urls),
    path("", include((app_urls, "core"))),
]
