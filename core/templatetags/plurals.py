from django import template

from core.plurals import time_left as _time_left

register = template.Library()


@register.filter
def time_left(value) -> str:
    """``{{ application.deadline_at|time_left }}``: "يومان و3 ساعات" (core.plurals.time_left), not ``timeuntil``."""
    return _time_left(value) if value else ""


@register.filter
def whole_minutes(value) -> int:
    """``{% blocktranslate count counter=cooloff|whole_minutes %}``: a timedelta as a whole number of minutes
    (``widthratio`` gives a string, which ``count`` refuses)."""
    return int(value.total_seconds() // 60) if value else 0
