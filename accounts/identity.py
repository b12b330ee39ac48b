"""What people type to identify themselves: national numbers, personal numbers, mobiles, names.

Every function accepts Arabic-Indic digits (٠-٩, ۰-۹), which Arabic keyboards on phones produce,
and returns the stored form or raises ``ValidationError`` with a translated message.

National number rule (documented in the README): exactly 10 digits, the first not 0. That is a
structure check only. The Civil Status and Passports Department does not publish a check-digit
algorithm, so none is applied: a made-up checksum would reject real people.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.digits import compact
from core.phones import looks_like_mobile, mobile_normalise

_NATIONAL_ID = re.compile(r"^[1-9][0-9]{9}$")
_PERSONAL_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
_ESTABLISHMENT_NUMBER = re.compile(r"^[0-9]{6,20}$")
_ARABIC_NAME = re.compile(r"^[\u0621-\u064A\u064B-\u065F\u0670\u0671-\u06D3\u06FA-\u06FF' \-]+$")
_LATIN_NAME = re.compile(r"^[A-Za-z' .\-]+$")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
_JORDANIAN_WORDS = {"jordanian", "jordan", "أردني", "اردني", "أردنية", "اردنية", "الأردن", "الاردن"}


def national_id_normalise(value: str) -> str:
    number = compact(value)
    if not _NATIONAL_ID.match(number):
        raise ValidationError(
            _("Enter the 10-digit national number exactly as it appears on your ID card."), code="national_id"
        )
    return number


def personal_number_normalise(value: str) -> str:
    number = compact(value).upper()
    if not _PERSONAL_NUMBER.match(number):
        raise ValidationError(
            _("Enter your personal number: 5 to 20 letters and digits, as on your residence or work permit."),
            code="personal_number",
        )
    return number


def nationality_clean(value: str) -> str:
    nationality = " ".join((value or "").split())
    if len(nationality) < 2:
        raise ValidationError(_("Enter your nationality."), code="nationality")
    if nationality.casefold() in _JORDANIAN_WORDS:
        raise ValidationError(
            _("Jordanians sign up with their national number, not a personal number."), code="nationality"
        )
    return nationality


def establishment_number_normalise(value: str) -> str:
    number = compact(value)
    if not _ESTABLISHMENT_NUMBER.match(number):
        raise ValidationError(
            _("Enter the national establishment number: digits only, as on the registration certificate."),
            code="establishment_number",
        )
    return number


def name_ar_clean(value: str) -> str:
    """A person's full name in Arabic letters: at least a first and a family name."""
    name = " ".join((value or "").split())
    if not _ARABIC_NAME.match(name) or len(name.split(" ")) < 2:
        raise ValidationError(
            _("Write your full name in Arabic letters: at least your first name and family name."), code="name_ar"
        )
    return name


def name_en_clean(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        return ""
    if not _LATIN_NAME.match(name) or len(name.split(" ")) < 2:
        raise ValidationError(
            _("Write your full name in English letters: at least your first name and family name."), code="name_en"
        )
    return name


def organisation_name_ar_clean(value: str) -> str:
    name = " ".join((value or "").split())
    if not _ARABIC_LETTER.search(name):
        raise ValidationError(_("Write the organisation's registered name in Arabic."), code="name_ar")
    return name


def identifier_normalise(value: str) -> tuple[str, str]:
    """What someone typed to name an account -> ``(kind, value)``: ``mobile`` (E.164), or ``number``
    (a national number or a personal number, upper-cased)."""
    if looks_like_mobile(value):
        return "mobile", mobile_normalise(value)
    return "number", compact(value).upper()
