"""The provider's endpoints. The namespace is django-oauth-toolkit's own, which its
views reverse; discovery and the key set sit at the root, as OpenID Connect expects."""

from django.urls import path, re_path
from oauth2_provider import views as dot

from .views import ConsentView

app_name = "oauth2_provider"

urlpatterns = [
    re_path(
        r"^\.well-known/openid-configuration$",
        dot.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("oidc/authorize/", ConsentView.as_view(), name="authorize"),
    path("oidc/token/", dot.TokenView.as_view(), name="token"),
    path("oidc/userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("oidc/revoke/", dot.RevokeTokenView.as_view(), name="revoke-token"),
]
