"""Verification codes printed under the QR code of every issued document: 16 symbols of Crockford's
alphabet (no I, L, O, U) ending in a Luhn mod 32 check symbol, shown in groups of four."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
BODY_LENGTH = 15
CODE_LENGTH = BODY_LENGTH + 1


def _check_symbol(body: str) -> str:
    """Luhn mod N (N = 32): catches every single-symbol error and most swaps of neighbours."""
    n = len(ALPHABET)
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def code_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + _check_symbol(body)


def code_normalise(raw: str) -> str | None:
    """The canonical code for what a person typed or scanned, or None when it cannot be one of ours."""
    code = "".join((raw or "").split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(c not in _VALUE for c in code):
        return None
    if _check_symbol(code[:-1]) != code[-1]:
        return None
    return code


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
