"""How typed and fed identifiers are normalised, so that the feed and the forms compare alike."""

import hashlib
import hmac

from django.conf import settings

from core.digits import digits_ascii


def clean_digits(value: str) -> str:
    """ASCII digits, no spaces; leading zeros kept (they are part of the printed number)."""
    return digits_ascii(value).strip().replace(" ", "")


def clean_registration(value: str) -> str:
    return digits_ascii(value).strip().replace(" ", "").upper()


def clean_text(value: str) -> str:
    return " ".join((value or "").split())


def subject_hash(kind: str, value: str) -> str:
    """Keyed hash of a plate or licence for the inquiry log: rate limits and audits can group by it,
    but the log alone does not say which plates were looked up."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def clean_plate_part(value: str) -> str:
    """Plate code or number as printed: digits without leading zeros ("010" and "10" are one plate)."""
    digits = clean_digits(value)
    if not digits.isdecimal():
        return digits
    return digits.lstrip("0") or "0"


def vehicle_values(*, plate_code: str, plate_number: str, registration_number: str) -> dict[str, str]:
    """A vehicle's plate and registration number as the register holds them (what a look-up is made by)."""
    return {
        "plate_code": clean_plate_part(plate_code),
        "plate_number": clean_plate_part(plate_number),
        "registration_number": clean_registration(registration_number),
    }


def ltr_isolate(value: str) -> str:
    """``value`` as a left-to-right island in Arabic text (Unicode LRI … PDI), so that the plate
    "10-79210" does not read "79210-10" inside a right-to-left sentence, on screen and in PDFs."""
    return f"\u2066{value}\u2069"
