"""Reads worth naming. Violations themselves are read through ``violations.sources``."""

from django.core.cache import cache

from violations.sources import get_source

_CHOICES_KEY = "violations:licence-choices:v1"
_CHOICES_SECONDS = 3600


def licence_choices() -> tuple[list[str], list[str]]:
    """Licence centres and categories as the partner's data has them (cached: the inquiry form needs
    them on every view, and they change only with a feed import, which forgets them)."""
    choices = cache.get(_CHOICES_KEY)
    if choices is None:
        source = get_source()
        choices = (source.licence_centres(), source.licence_categories())
        cache.set(_CHOICES_KEY, choices, _CHOICES_SECONDS)
    return choices


def licence_choices_forget() -> None:
    cache.delete(_CHOICES_KEY)
