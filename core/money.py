"""JOD amounts: ``Decimal`` with exactly 3 places (fils), never float."""

from decimal import ROUND_HALF_UP, Decimal

MONEY_PLACES = Decimal("0.001")


class MoneyError(ValueError):
    """A value that is not an exact JOD amount."""


def money(value) -> Decimal:
    """``value`` as an exact JOD amount with 3 places. Floats are refused (they cannot hold fils
    exactly); more than 3 decimal places is an error, not a rounding."""
    if isinstance(value, float):
        raise MoneyError("money must be Decimal, int or str, not float")
    amount = Decimal(value)
    if not amount.is_finite() or amount != amount.quantize(MONEY_PLACES):
        raise MoneyError(f"{value!r} is not a JOD amount with at most 3 decimal places")
    return amount.quantize(MONEY_PLACES)


def money_round(value) -> Decimal:
    """``value`` rounded half-up to fils (for computed amounts such as a share of a fee)."""
    return Decimal(value).quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


def money_text(value) -> str:
    """``15.000``: the amount as printed on documents and in the API (3 places, a decimal point)."""
    return f"{Decimal(value or 0).quantize(MONEY_PLACES, rounding=ROUND_HALF_UP):.3f}"
