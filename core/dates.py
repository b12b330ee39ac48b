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

from django.utils import formats, timezone


def local(value: datetime) -> datetime:
    """An aware ``value`` in the portal's time zone (Asia/Amman); a naive one is taken as already local."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def date_text(value: date | datetime | None) -> str:
    """``9 ديسمبر 2026`` / ``9 December 2026``: the day (in Amman, for a date-time) in the active language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return formats.date_format(value, "DATE_FORMAT")


def datetime_text(value: datetime | None) -> str:
    """``9 ديسمبر 2026، 21:33`` / ``9 December 2026, 21:33``: Amman time in the active language."""
    if value is None:
        return ""
    return formats.date_format(local(value), "DATETIME_FORMAT")


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
