"""Digits as people type them: Arabic keyboards on phones produce Arabic-Indic (٠-٩) or Extended
Arabic-Indic (۰-۹) digits; every identifier is compared and stored in ASCII digits."""

import re

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Spaces, dashes, brackets, dots, slashes and the invisible direction marks copy-paste brings along in RTL text.
_SEPARATORS = re.compile(r"[\s\-()/.\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_SPACES = re.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def digits_ascii(value: str) -> str:
    """``value`` with every Arabic-Indic digit replaced by its ASCII digit."""
    return (value or "").translate(_DIGITS)


def compact(value: str) -> str:
    """ASCII digits with no spaces, dashes, brackets, dots, slashes or direction marks."""
    return _SEPARATORS.sub("", digits_ascii(value))


def without_spaces(value: str) -> str:
    """ASCII digits with no spaces or direction marks (dashes kept: some numbers are printed with them)."""
    return _SPACES.sub("", digits_ascii(value))


MASK = "••••"


def masked(value: str, *, visible: int = 3) -> str:
    """``value`` with all but its last ``visible`` characters hidden: ``7702154`` -> ``••••154``.

    Always four dots, whatever the length, so the mask does not tell how long the number is.
    """
    value = (value or "").strip()
    return MASK + value[-visible:] if value else ""
