"""Amounts read the Jordanian way in Arabic: 15.000 is fifteen dinars, never fifteen thousand."""

from decimal import Decimal

from django.utils import formats, translation


def test_arabic_amounts_use_a_decimal_point():
    with translation.override("ar"):
        assert formats.number_format(Decimal("15.000"), 3) == "15.000"
        assert formats.localize(Decimal("1250.500")) == "1250.500"
        assert formats.sanitize_separators("15.500") == "15.500"


def test_arabic_dates_use_the_portals_one_format_not_djangos():
    # Issue 18, item 8: "9 ديسمبر 2026" and "9 ديسمبر 2026، 21:33" (README "Dates"; portal/tests/test_dates.py).
    with translation.override("ar"):
        assert formats.get_format("DATE_FORMAT") == "j F Y"
        assert formats.get_format("DATETIME_FORMAT") == "j F Y، H:i"
