"""A valuation quantity with its unit, the noun in the form its number takes: "3 قطع", "3 ساعات عمل",
"قطعتان", "11 متراً"; "3 work hours" in English.

The unit's label alone ("قطعة", "ساعة عمل") is for the unit column of a form; a quantity is never shown
as "3 قطعة". A quantity with a fraction (4.5 square metres) takes the form Arabic gives fractions (the
noun in the singular: "4.5 متر مربع") and the English plural.
"""

from decimal import Decimal

from django.utils.translation import npgettext, pgettext

from accidents.constants import Unit

_WHOLE = {
    Unit.PIECE: lambda n: npgettext("quantity", "%(n)s piece", "%(n)s pieces", n),
    Unit.METRE: lambda n: npgettext("quantity", "%(n)s metre", "%(n)s metres", n),
    Unit.SQUARE_METRE: lambda n: npgettext("quantity", "%(n)s square metre", "%(n)s square metres", n),
    Unit.HOUR: lambda n: npgettext("quantity", "%(n)s work hour", "%(n)s work hours", n),
    Unit.LUMP_SUM: lambda n: npgettext("quantity", "%(n)s lump sum", "%(n)s lump sums", n),
}
_FRACTION = {
    Unit.PIECE: lambda: pgettext("quantity with a fraction", "%(n)s pieces"),
    Unit.METRE: lambda: pgettext("quantity with a fraction", "%(n)s metres"),
    Unit.SQUARE_METRE: lambda: pgettext("quantity with a fraction", "%(n)s square metres"),
    Unit.HOUR: lambda: pgettext("quantity with a fraction", "%(n)s work hours"),
    Unit.LUMP_SUM: lambda: pgettext("quantity with a fraction", "%(n)s lump sums"),
}


def quantity_text(quantity: Decimal, unit: str) -> str:
    """``quantity`` (no trailing zeros, ASCII digits) followed by ``unit`` in the right form."""
    quantity = Decimal(quantity)
    number = f"{quantity.normalize():f}"
    if unit not in _WHOLE:  # a unit from before the list changed: number and stored code, never a crash
        return f"{number} {unit}"
    if quantity == quantity.to_integral_value():
        return _WHOLE[unit](int(quantity)) % {"n": number}
    return _FRACTION[unit]() % {"n": number}
