"""Throttles: django-ratelimit for sign-up, code sending and number look-ups; how django-axes counts
failed sign-ins (the key, and the two locks: one account from one address, one account)."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from accounts.constants import CODE_RATE_PER_IP, CODE_RATE_PER_MOBILE, LOOKUP_RATE_PER_IP, SIGNUP_RATE_PER_IP
from accounts.identity import identifier_normalise
from accounts.models import User
from accounts.selectors import user_by_identifier
from core.phones import mobile_e164
from core.ratelimit import limited


def signup_throttle(request) -> None:
    if limited(request, group="accounts:signup", rates=SIGNUP_RATE_PER_IP):
        raise ValidationError(
            _("Too many sign-ups from your network. Please wait an hour and try again."), code="ratelimited"
        )


def code_send_throttle(request, *, mobile: str) -> None:
    """Before sending any SMS code: per destination phone (its E.164 number, however it was written)
    and per client address."""
    _code_throttle(request, key=mobile_e164(mobile) or mobile)


def _code_throttle(request, *, key: str) -> None:
    per_mobile = limited(request, group="accounts:code-mobile", rates=CODE_RATE_PER_MOBILE, key=lambda g, r: key)
    per_ip = limited(request, group="accounts:code-ip", rates=CODE_RATE_PER_IP)
    if per_mobile or per_ip:
        raise ValidationError(
            _("Too many codes were asked for. Please wait an hour before asking for another code."),
            code="ratelimited",
        )


def password_reset_throttle(request, *, identifier: str) -> None:
    """Before an SMS reset code: counted against the phone it goes to, so that the national number and
    the mobile of one account (``9991000003``, ``0790000003``) share one counter.

    A number that names no account sends nothing; it is counted as often under what was typed (in a
    key of its own, so strangers' resets for a number with no account do not spend that phone's codes).
    The answers are the same either way; what a refusal can still tell is that two numbers belong to
    one account, after five codes sent to its owner's phone.
    """
    lookup_throttle(request)
    user = user_by_identifier(identifier)
    if user is not None and user.mobile:
        code_send_throttle(request, mobile=user.mobile)
    else:
        _code_throttle(request, key="no-account:" + identifier_normalise(identifier)[1])


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


# (account) first, then (account, address): LockoutHandler reads them in this order.
LOCKOUT_PARAMETERS = [["username"], ["username", "ip_address"]]


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    """``AXES_LOCKOUT_PARAMETERS``: never the address alone (one address is many people)."""
    return LOCKOUT_PARAMETERS


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per lock: ``AXES_FAILURE_LIMIT`` failures for one
    account from one address, ``AXES_ACCOUNT_FAILURE_LIMIT`` for the account from all addresses.

    So one attacker at one address locks the account for that address only (its owner still signs
    in from home), and a guess spread over many addresses still locks the account. axes compares
    ``get_failures`` with ``AXES_FAILURE_LIMIT`` alone: the account's count is scaled to that limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        account, pair = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit, account_limit = settings.AXES_FAILURE_LIMIT, settings.AXES_ACCOUNT_FAILURE_LIMIT
        # account * limit // account_limit reaches limit exactly when account reaches account_limit.
        return max(pair, account * limit // account_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a sign-in (``AXES_RESET_ON_SUCCESS``): the failures from that address only. The owner
        signing in at home must not give an attacker elsewhere fresh tries, nor clear the account's count."""
        _account, pair = self.filter_user_attempts(request, credentials)
        count, _per_model = pair.delete()
        return count
