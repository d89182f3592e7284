"""`{% supplement_changes dossier %}`: what the applicant changed since the last
supplement request, side by side, for the officer's page (one line to include)."""

from django import template

from ..supplements import changes_since_request

register = template.Library()


@register.inclusion_tag("dossiers/office/_supplement_changes.html")
def supplement_changes(dossier):
    return {"dossier": dossier, "changes": changes_since_request(dossier)}
