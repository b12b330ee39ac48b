"""Normalising what applicants and staff type: Arabic-Indic digits, vehicle and policy numbers, mobiles."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Phones in Jordan often type Arabic-Indic (٠-٩) or Persian (۰-۹) digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-/\u200e\u200f]+")
_SPACES = re.compile(r"[\s\u200e\u200f]+")
# Jordanian mobile operators: 077, 078, 079, then seven digits.
_JO_MOBILE = re.compile(r"^(?:\+962|00962|962|0)?(7[789]\d{7})$")


def digits_ascii(value: str) -> str:
    return (value or "").translate(_DIGITS)


def registration_normalise(value: str) -> str:
    """Registration numbers, plates and police report numbers: only digits and letters identify them."""
    return _SEPARATORS.sub("", digits_ascii(value)).upper()


def policy_normalise(value: str) -> str:
    """Policy numbers keep their dashes (insurers print them), but not spaces or letter case."""
    return _SPACES.sub("", digits_ascii(value)).upper()


def jordan_mobile_normalise(value: str) -> str:
    """The E.164 form (+9627XXXXXXXX) of a Jordanian mobile number, or ValidationError."""
    compact = _SEPARATORS.sub("", digits_ascii(value)).replace("(", "").replace(")", "")
    match = _JO_MOBILE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a Jordanian mobile number such as 0791234567 (077, 078 or 079 and seven digits)."),
            code="mobile",
        )
    return f"+962{match.group(1)}"


def jordan_mobile_local(e164: str) -> str:
    """+962791234567 -> 0791234567 (how people write it)."""
    return f"0{e164[4:]}" if (e164 or "").startswith("+962") else (e164 or "")
