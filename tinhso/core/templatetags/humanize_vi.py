from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """135000 → '135.000 đồng'; 0 → 'Miễn phí'."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    if value == 0:
        return _("Miễn phí")
    return f"{value:,}".replace(",", ".") + " " + _("đồng")
