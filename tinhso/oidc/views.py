"""The consent page (trang đồng ý): django-oauth-toolkit's authorization endpoint,
rendered in the site's own template and recording the person's answer."""

from __future__ import annotations

from urllib.parse import urlsplit

from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView

from . import services


class ConsentView(AuthorizationView):
    template_name = "oidc/consent.html"

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The consent form's answer is a redirect to the client: CSP's form-action
        # must allow that one origin (already checked against the client's
        # registered redirect URIs), and no other.
        redirect_uri = context.get("redirect_uri") if "error" not in context else None
        if redirect_uri:
            parts = urlsplit(redirect_uri)
            response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        client = (
            get_application_model()
            .objects.filter(client_id=form.cleaned_data.get("client_id"))
            .first()
        )
        if client is not None and response.status_code == 302:
            services.record_consent(
                user=self.request.user,
                client=client,
                scopes=(form.cleaned_data.get("scope") or "").split(),
                allowed=bool(form.cleaned_data.get("allow")),
            )
        return response
