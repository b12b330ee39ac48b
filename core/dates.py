"""Dates and times as people read them, for texts built outside templates (SMS, PDFs' summaries,
API messages, admin columns, form errors).

One date format and one date-time format per language, set in ``portal/formats/<lang>/formats.py``
(``DATE_FORMAT``, ``DATETIME_FORMAT``) and used by templates too (``{{ value }}``, ``|date`` with no
format, ``|date:"DATETIME_FORMAT"``): "9 ديسمبر 2026" / "9 ديسمبر 2026، 21:33" in Arabic,
"9 December 2026" / "9 December 2026, 21:33" in English, always in Asia/Amman (``TIME_ZONE``).
The active language decides; wrap in ``translation.override`` to write in someone else's.

Machine formats (eFAWATEERcom XML, CSV, API fields, ``<input type=date>`` values, ``<time datetime>``)
stay ISO 8601 and never come through here.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from django.utils import formats, timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language

# The format characters the portal's formats use, written without Django's general formatter (which
# parses the format string and builds a formatter object on every call: tables print hundreds of dates).
_FAST = {
    "j": lambda v: str(v.day),
    "d": lambda v: f"{v.day:02d}",
    "n": lambda v: str(v.month),
    "m": lambda v: f"{v.month:02d}",
    "Y": lambda v: str(v.year),
    "H": lambda v: f"{v.hour:02d}",
    "i": lambda v: f"{v.minute:02d}",
}
_LETTERS = frozenset("aAbBcdDeEfFgGhHiIjlLmMnNoOPrsStTuUwWyYzZ")


@cache
def _compiled(language: str, format_name: str) -> tuple | None:
    """``format_name`` in ``language`` as pieces (a function of the value, or the month's name, or
    literal text); None when it uses anything else (then Django's formatter writes it)."""
    fmt = formats.get_format(format_name, lang=language)
    pieces = []
    for char in fmt:
        if char == "\\" or (char in _LETTERS and char not in _FAST and char != "F"):
            return None
        pieces.append("F" if char == "F" else _FAST.get(char, char))
    return tuple(pieces)


@cache
def _month_names(language: str) -> tuple[str, ...]:
    return ("", *(str(MONTHS[m]) for m in range(1, 13)))


def _writer(format_name: str):
    """A function writing a date or date-time in ``format_name`` of the active language (looked up once)."""
    language = get_language() or "ar"
    pieces = _compiled(language, format_name)
    if pieces is None:
        return lambda value: formats.date_format(value, format_name)
    months = _month_names(language)
    return lambda value: "".join(
        months[value.month] if piece == "F" else piece if isinstance(piece, str) else piece(value) for piece in pieces
    )


def datetime_writer():
    """:func:`datetime_text` for many values in the active language (a table's column): the language and
    its format looked up once."""
    write = _writer("DATETIME_FORMAT")
    return lambda value: "" if value is None else write(local(value))


def _format(value: date | datetime, format_name: str) -> str:
    return _writer(format_name)(value)


def local(value: datetime) -> datetime:
    """An aware ``value`` in the portal's time zone (Asia/Amman); a naive one is taken as already local."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def date_text(value: date | datetime | None) -> str:
    """``9 ديسمبر 2026`` / ``9 December 2026``: the day (in Amman, for a date-time) in the active language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return _format(value, "DATE_FORMAT")


def datetime_text(value: datetime | None) -> str:
    """``9 ديسمبر 2026، 21:33`` / ``9 December 2026, 21:33``: Amman time in the active language."""
    if value is None:
        return ""
    return _format(local(value), "DATETIME_FORMAT")


def time_text(value: datetime | None) -> str:
    """``21:33``: the time of day in Amman (24-hour)."""
    if value is None:
        return ""
    return formats.time_format(local(value), "TIME_FORMAT")


def when_text(value: date | datetime | None) -> str:
    """A date as :func:`date_text`, a date-time as :func:`datetime_text` (for mixed context values)."""
    if isinstance(value, datetime):
        return datetime_text(value)
    return date_text(value)


def span_text(start: datetime, end: datetime) -> str:
    """``9 ديسمبر 2026، 09:00–09:30``: an appointment (same day), isolated so that the text around it
    cannot reorder its parts; Arabic reads it from the right, English from the left."""
    return f"\u2068{datetime_text(start)}\u2013{time_text(end)}\u2069"
