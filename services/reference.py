"""Application reference numbers a person can read over the phone, e.g. ``AC-7KQ4-M9X``.

Format: a two-letter service prefix, five random characters and one check character, grouped as
``PP-XXXX-XC``. The alphabet drops 0/O, 1/I/L so nothing is ambiguous when spoken or handwritten, and
it has 31 letters: with a prime modulus and distinct position weights, the check character catches
every single wrong character and every swap of two neighbours. Numbers are random (never sequential,
so they reveal nothing about volumes and cannot be guessed); uniqueness is settled by the database
(see ``application_create``'s bounded retry).
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_LENGTH = 5
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_PREFIX_RE = re.compile(r"^[A-Z]{2}$")
_COMPACT_RE = re.compile(rf"^([A-Z]{{2}})([{ALPHABET}]{{{RANDOM_LENGTH + 1}}})$")


def _check_char(prefix: str, body: str) -> str:
    # Prefix letters count by their place in A-Z (they may be outside ALPHABET, e.g. "VI").
    values = [ord(c) - ord("A") for c in prefix] + [_INDEX[c] for c in body]
    total = sum(weight * value for weight, value in enumerate(values, start=1))
    return ALPHABET[total % len(ALPHABET)]


def _format(prefix: str, chars: str) -> str:
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def reference_new(*, prefix: str) -> str:
    """A fresh random reference for a service whose prefix is ``prefix`` (two letters A-Z)."""
    if not _PREFIX_RE.match(prefix):
        raise ValueError(f"A reference prefix is two capital letters A-Z, not {prefix!r}.")
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return _format(prefix, body + _check_char(prefix, body))


def reference_normalise(value: str) -> str:
    """``" ac 7kq4m9x "`` -> ``"AC-7KQ4-M9X"``; the input unchanged (upper-cased) when it is not well formed."""
    compact = re.sub(r"[\s\-_.]", "", value or "").upper()
    if not _COMPACT_RE.match(compact):
        return (value or "").strip().upper()
    return _format(compact[:2], compact[2:])


def reference_is_valid(value: str) -> bool:
    """Whether ``value`` (in any spacing or case) is a well-formed reference with a correct check character."""
    compact = reference_normalise(value).replace("-", "")
    match = _COMPACT_RE.match(compact)
    if not match:
        return False
    prefix, chars = match.groups()
    return _check_char(prefix, chars[:-1]) == chars[-1]
