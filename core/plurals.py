"""A count next to a noun, in the reader's plural forms.

Arabic has six (the ``Plural-Forms`` header of every ``ar`` catalogue): zero, one, two, a few (3–10),
many (11–99) and other (100 and up); the noun changes with each ("يوم واحد"، "يومان"، "3 أيام"،
"11 يوماً"، "100 يوم"). So every sentence where a number meets a noun goes through ``ngettext`` (or
``{% blocktranslate count %}``), never "%(n)s days" with one translation.

The durations here are noun phrases in the nominative ("الوقت المتبقي: يومان"); a sentence that
needs another case ("بعد محاولتين") has its own plural entry. Numbers are written in ASCII digits,
as everywhere on the portal.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext, npgettext


def days_text(n: int) -> str:
    return npgettext("duration", "%(n)s day", "%(n)s days", n) % {"n": n}


def hours_text(n: int) -> str:
    return npgettext("duration", "%(n)s hour", "%(n)s hours", n) % {"n": n}


def minutes_text(n: int) -> str:
    return npgettext("duration", "%(n)s minute", "%(n)s minutes", n) % {"n": n}


def working_days_text(n: int) -> str:
    return npgettext("duration", "%(n)s working day", "%(n)s working days", n) % {"n": n}


def time_left(until: datetime, *, now: datetime | None = None) -> str:
    """How long until ``until``, in the two largest units: "2 days and 3 hours", "5 hours and 1 minute",
    "45 minutes". Rounded down (a countdown never promises time that is not there); "0 minutes" once passed.

    Django's ``timeuntil`` gave "2 يومين" in Arabic (one form for every count); this one uses the six.
    """
    remaining = max(0, int((until - (now or timezone.now())).total_seconds()))
    days, rest = divmod(remaining, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        larger, smaller = days_text(days), hours_text(hours) if hours else ""
    elif hours:
        larger, smaller = hours_text(hours), minutes_text(minutes) if minutes else ""
    else:
        return minutes_text(minutes)
    if not smaller:
        return larger
    return gettext("%(larger)s and %(smaller)s") % {"larger": larger, "smaller": smaller}
