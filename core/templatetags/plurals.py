from django import template

from core.plurals import time_left as _time_left

register = template.Library()


@register.filter
def time_left(value) -> str:
    """``{{ application.deadline_at|time_left }}``: "يومان و3 ساعات" (core.plurals.time_left), not ``timeuntil``."""
    return _time_left(value) if value else ""
