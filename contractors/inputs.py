"""Normalising what people type: Arabic-Indic digits, permit numbers, Jordanian mobile numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Phones in Jordan often type Arabic-Indic (٠-٩) or Persian (۰-۹) digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SPACES = re.compile(r"[\s\u200f\u200e]+")
_PHONE_PUNCTUATION = re.compile(r"[\s\-()\u200f\u200e]+")
# Jordanian mobile operators: 077 (Orange), 078 (Umniah), 079 (Zain), then seven digits.
_JO_MOBILE = re.compile(r"^(?:\+962|00962|962|0)?(7[789]\d{7})$")
# Landlines: area code 2, 3, 5 or 6 and seven digits.
_JO_LANDLINE = re.compile(r"^(?:\+962|00962|962|0)?([2356]\d{7})$")


def digits_ascii(value: str) -> str:
    return (value or "").translate(_DIGITS)


def identifier_normalize(value: str) -> str:
    """Contractor and permit numbers: ASCII digits, upper case, no spaces (hyphens are kept: they are
    part of how the department writes some permit numbers)."""
    return _SPACES.sub("", digits_ascii(value)).upper()


def jordan_mobile_normalize(value: str) -> str:
    """Return the E.164 form (+9627XXXXXXXX) of a Jordanian mobile number, or raise ValidationError."""
    compact = _PHONE_PUNCTUATION.sub("", digits_ascii(value))
    match = _JO_MOBILE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a Jordanian mobile number such as 0791234567 (077, 078 or 079 and seven digits)."),
            code="mobile",
        )
    return f"+962{match.group(1)}"


def jordan_phone_normalize(value: str) -> str:
    """A contractor's phone: a Jordanian mobile or landline, in E.164; raise ValidationError otherwise."""
    compact = _PHONE_PUNCTUATION.sub("", digits_ascii(value))
    match = _JO_MOBILE.match(compact) or _JO_LANDLINE.match(compact)
    if not match:
        raise ValidationError(_("Enter a Jordanian phone number such as 0791234567 or 065001234."), code="phone")
    return f"+962{match.group(1)}"


def jordan_mobile_local(e164: str) -> str:
    """+962791234567 -> 0791234567 (how people write it)."""
    return f"0{e164[4:]}" if e164.startswith("+962") else e164
