from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "tinhso.oidc"
    label = "oidc"
    verbose_name = "OpenID Connect"
