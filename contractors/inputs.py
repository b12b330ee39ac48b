"""Normalising contractor and permit numbers as people type them."""

from core.digits import without_spaces


def identifier_normalize(value: str) -> str:
    """Contractor and permit numbers: ASCII digits, upper case, no spaces (hyphens are kept: they are
    part of how the department writes some permit numbers)."""
    return without_spaces(value).upper()
