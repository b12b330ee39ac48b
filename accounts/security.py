"""Throttles: django-ratelimit for sign-up, code sending and number look-ups; the key django-axes
counts failed sign-ins under."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.constants import CODE_RATE_PER_IP, CODE_RATE_PER_MOBILE, LOOKUP_RATE_PER_IP, SIGNUP_RATE_PER_IP
from accounts.identity import identifier_normalise
from accounts.models import User
from accounts.selectors import user_by_identifier
from core.ratelimit import limited


def signup_throttle(request) -> None:
    if limited(request, group="accounts:signup", rates=SIGNUP_RATE_PER_IP):
        raise ValidationError(
            _("Too many sign-ups from your network. Please wait an hour and try again."), code="ratelimited"
        )


def code_send_throttle(request, *, mobile: str) -> None:
    """Before sending any SMS code: per destination number and per client address."""
    per_mobile = limited(request, group="accounts:code-mobile", rates=CODE_RATE_PER_MOBILE, key=lambda g, r: mobile)
    per_ip = limited(request, group="accounts:code-ip", rates=CODE_RATE_PER_IP)
    if per_mobile or per_ip:
        raise ValidationError(
            _("Too many codes were asked for. Please wait an hour before asking for another code."),
            code="ratelimited",
        )


def lookup_throttle(request) -> None:
    if limited(request, group="accounts:lookup", rates=LOOKUP_RATE_PER_IP):
        raise ValidationError(_("Too many attempts. Please wait an hour and try again."), code="ratelimited")


def axes_username(request, credentials) -> str:
    """The name django-axes counts failures under: the account, whichever number was typed.

    So "0791234567", "+962791234567" and the same person's national number share one counter, and a
    number that names no account gets its own (normalised) counter.
    """
    typed = ""
    if credentials:
        typed = credentials.get("username") or credentials.get("login") or ""
    elif request is not None:
        data = getattr(request, "POST", {}) or {}
        typed = data.get("login") or data.get("username") or ""
    typed = str(typed).strip()
    if not typed:
        return ""
    user = user_by_identifier(typed) or User.objects.filter(username=typed).first()
    if user is not None:
        return user.get_username()
    return identifier_normalise(typed)[1]
