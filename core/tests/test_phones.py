import pytest
from django.core.exceptions import ValidationError

from core import phones


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0791234567", "+962791234567"),
        ("+962 78 123 4567", "+962781234567"),
        ("00962771234567", "+962771234567"),
        ("962791234567", "+962791234567"),
        ("٠٧٩١٢٣٤٥٦٧", "+962791234567"),
        ("\u200e079-123-4567", "+962791234567"),  # copy-pasted from RTL text with a direction mark
    ],
)
def test_mobile_is_stored_in_e164(typed, stored):
    assert phones.mobile_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["0761234567", "065001234", "+966501234567", "079123456", "07912345678", "abc"])
def test_mobile_rejects_numbers_that_are_not_jordanian_mobiles(typed):
    with pytest.raises(ValidationError) as caught:
        phones.mobile_normalise(typed)
    assert caught.value.code == "mobile"


def test_phone_accepts_landlines_and_mobiles():
    assert phones.phone_normalise("06 500 1234") == "+96265001234"
    assert phones.phone_normalise("0791234567") == "+962791234567"
    with pytest.raises(ValidationError):
        phones.phone_normalise("0412345678")


def test_a_stored_mobile_reads_as_people_write_it():
    assert phones.phone_local("+962791234567") == "0791234567"
    assert phones.phone_local("") == ""
