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


@register.filter
def plain_number(value) -> str:
    """One style for every number of a table, in the page's language: Decimal('100.00')
    → '100' (not '1E+2'), Decimal('7.10') → '7,1', 1448435 → '1.448.435' in
    Vietnamese ('7.1', '1,448,435' in English)."""
    from decimal import Decimal, InvalidOperation

    from django.utils.formats import number_format

    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def table_cell(value):
    """A table's cell: numbers in the one style of `plain_number` (floats to two
    places), anything else as it is."""
    from decimal import Decimal

    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, float):
        value = round(value, 2)
    return plain_number(value)
