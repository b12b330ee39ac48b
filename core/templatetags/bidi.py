"""``{{ value|bdi }}``: a value that may be written in the other direction (an Arabic insurer's name on an English
page, a Latin policy number on an Arabic one), isolated so the punctuation and numbers around it keep their
places: "(شركة تأمين 0, policy …)" instead of "(0 شركة تأمين, …)"."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def bdi(value):
    if value in (None, ""):
        return value
    return format_html("<bdi>{}</bdi>", value)
