"""Which scopes a client may ask for: those it was registered with, and the personal
ID only when the province approved the client."""

from __future__ import annotations

from oauth2_provider.scopes import SettingsScopes
from oauth2_provider.settings import oauth2_settings

from .models import PERSONAL_ID_SCOPE


def scopes_for(client) -> list[str]:
    allowed = set(client.scope_list()) | {"openid"}
    return [
        scope
        for scope in oauth2_settings._SCOPES
        if scope in allowed and (scope != PERSONAL_ID_SCOPE or client.personal_id_approved)
    ]


class ClientScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if application is None:  # the discovery document: every scope there is
            return list(oauth2_settings._SCOPES)
        return scopes_for(application)
