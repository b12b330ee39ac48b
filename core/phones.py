"""Jordanian phone numbers, parsed and validated by ``phonenumbers`` (Google's libphonenumber data),
stored in E.164 (+9627XXXXXXXX) and shown as people write them (07XXXXXXXX)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.digits import compact

REGION = "JO"
MSG_MOBILE = _("Enter a Jordanian mobile number such as 0791234567 (077, 078 or 079 and seven digits).")
MSG_PHONE = _("Enter a Jordanian phone number such as 0791234567 or 065001234.")


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    number = compact(value)
    if number.startswith("00"):
        number = "+" + number[2:]
    if not number or not all(c.isdigit() for c in number.lstrip("+")):
        return None
    try:
        parsed = phonenumbers.parse(number, REGION)
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 962 or not phonenumbers.is_valid_number(parsed):
        return None
    return parsed


def _e164(parsed: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mobile_e164(value: str) -> str | None:
    """The E.164 form of a Jordanian mobile number, or None."""
    parsed = _parse(value)
    if parsed is None or phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return _e164(parsed)


def mobile_normalise(value: str) -> str:
    """The E.164 form (+9627XXXXXXXX) of a Jordanian mobile number, or ValidationError."""
    e164 = mobile_e164(value)
    if e164 is None:
        raise ValidationError(MSG_MOBILE, code="mobile")
    return e164


def looks_like_mobile(value: str) -> bool:
    return mobile_e164(value) is not None


def phone_normalise(value: str) -> str:
    """A Jordanian mobile or landline number in E.164, or ValidationError."""
    parsed = _parse(value)
    allowed = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE}
    if parsed is None or phonenumbers.number_type(parsed) not in allowed:
        raise ValidationError(MSG_PHONE, code="phone")
    return _e164(parsed)


def phone_local(e164: str) -> str:
    """+962791234567 -> 0791234567 (how people write it); anything else unchanged."""
    return f"0{e164[4:]}" if (e164 or "").startswith("+962") else (e164 or "")
