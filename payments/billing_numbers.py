"""E-payment numbers (رقم الدفع الإلكتروني): 13 digits ending in a Luhn check digit.

Numbers come from ``secrets`` so that one number reveals nothing about another or about volume.
Uniqueness is the database's job (``Bill.billing_number`` is unique); ``payments.services.bill_create``
retries a bounded number of times on the rare collision.
"""

import secrets

from core.digits import digits_ascii

LENGTH = 13


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit that makes ``payload + digit`` valid."""
    total = 0
    # Walking from the right, the digit next to the (future) check digit is doubled first.
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def billing_number_new() -> str:
    """A fresh random 13-digit number with a Luhn check digit; never starts with 0 (it is read aloud
    and typed into bank forms that strip leading zeros)."""
    payload = str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(LENGTH - 2))
    return payload + luhn_check_digit(payload)


def billing_number_normalise(value: str) -> str:
    """What a person typed, without the spaces and dashes used to group digits; Arabic-Indic digits
    are read as their Latin equivalents."""
    value = (value or "").strip()
    value = digits_ascii(value)
    return value.replace(" ", "").replace("-", "").replace("\u00a0", "")


def billing_number_is_valid(value: str) -> bool:
    """13 ASCII digits, first not 0, and a correct Luhn check digit."""
    if not isinstance(value, str) or len(value) != LENGTH or not value.isascii() or not value.isdecimal():
        return False
    if value[0] == "0":
        return False
    return luhn_check_digit(value[:-1]) == value[-1]
