from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def stored_text(value) -> str:
    """Text the workflow stored as an English msgid (reasons, notes), in the reader's language.

    Free text typed by staff is not in any catalogue and comes back unchanged.
    """
    return gettext(value) if value else ""
