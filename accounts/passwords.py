"""The portal's own password rule, beside Django's validators (settings.AUTH_PASSWORD_VALIDATORS).

Django's common-password list is international; it does not know that here ``Amman2025``,
``Jordan@1`` or ``GAMportal!`` are the first guesses of anyone attacking this portal. A password
whose letters are only the city's, the country's or the portal's words (digits and symbols set aside)
is refused.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    UserAttributeSimilarityValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.digits import compact

# Lower-case, as typed in Latin letters and in Arabic (with and without the hamza).
PORTAL_WORDS = (
    "amman",
    "aman",
    "jordan",
    "jo",
    "gam",
    "portal",
    "eservices",
    "eservice",
    "services",
    "service",
    "municipality",
    "greater",
    "عمان",
    "الأردن",
    "الاردن",
    "أمانة",
    "امانة",
    "بوابة",
)


def _only_portal_words(letters: str) -> bool:
    """Whether ``letters`` is one or more PORTAL_WORDS written one after the other."""
    reachable = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        reachable[end] = any(
            reachable[end - len(word)] and letters.endswith(word, 0, end) for word in PORTAL_WORDS if len(word) <= end
        )
    return reachable[-1]


class PortalWordsValidator:
    """Refuses a password made only of the portal's words, digits and symbols (``Amman2025``)."""

    def validate(self, password, user=None):
        letters = "".join(ch for ch in password.casefold() if ch.isalpha())
        if letters and _only_portal_words(letters):
            raise ValidationError(
                _(
                    "This password is too easy to guess: it is only the name of the city, the country or the "
                    "portal with digits or symbols. Add words of your own."
                ),
                code="password_portal_words",
            )

    def get_help_text(self):
        return _("Your password cannot be just Amman, Jordan, GAM or the portal's name with digits or symbols.")


def password_similarity_check(password: str, **attributes) -> None:
    """Sign-up's check before the account exists: the password must not resemble the numbers and names
    typed on the same form (``national_id``, ``personal_number``, ``mobile``, ``full_name_ar``...).

    allauth validates the sign-up password against a stand-in user that carries only a username and an
    e-mail; this runs the configured similarity validator against one that carries the rest.
    """
    validators = [v for v in get_default_password_validators() if isinstance(v, UserAttributeSimilarityValidator)]
    if not validators or not password:
        return
    numbers = {"national_id", "personal_number", "mobile"}
    stand_in = get_user_model()(
        **{name: compact(value) if name in numbers else value for name, value in attributes.items() if value}
    )
    validate_password(password, user=stand_in, password_validators=validators)
