"""Normalising what applicants and staff type: vehicle, police report and policy numbers."""

import re

from core.digits import digits_ascii, without_spaces

_SEPARATORS = re.compile(r"[\s\-/\u200e\u200f]+")


def registration_normalise(value: str) -> str:
    """Registration numbers, plates and police report numbers: only digits and letters identify them."""
    return _SEPARATORS.sub("", digits_ascii(value)).upper()


def policy_normalise(value: str) -> str:
    """Policy numbers keep their dashes (insurers print them), but not spaces or letter case."""
    return without_spaces(value).upper()
