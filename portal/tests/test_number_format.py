"""Amounts read the Jordanian way in Arabic: 15.000 is fifteen dinars, never fifteen thousand."""

from decimal import Decimal

from django.utils import formats, translation


def test_arabic_amounts_use_a_decimal_point():
    with translation.override("ar"):
        assert formats.number_format(Decimal("15.000"), 3) == "15.000"
        assert formats.localize(Decimal("1250.500")) == "1250.500"
        assert formats.sanitize_separators("15.500") == "15.500"


def test_arabic_dates_keep_djangos_arabic_format():
    with translation.override("ar"):
        assert formats.get_format("DATE_FORMAT") == "j F، Y"
