"""One-time SMS codes: issue, send through the notifications service, check.

Rules (issue 3): a code expires after ten minutes, works once, is stored only as a keyed hash, and
five wrong tries void it. Asking for a new code voids the previous one for the same purpose.
"""

import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.constants import CODE_DIGITS, CODE_MAX_ATTEMPTS, CODE_TTL
from accounts.models import OneTimeCode, User
from core.digits import compact
from notifications.models import Notification
from notifications.outbox import notify

_SMS_TEXT = {
    OneTimeCode.Purpose.VERIFY_MOBILE: _(
        "Amman e-Services: your verification code is {code}. It expires in 10 minutes. Do not share it with anyone."
    ),
    OneTimeCode.Purpose.CHANGE_MOBILE: _(
        "Amman e-Services: the code to confirm your new mobile number is {code}. It expires in 10 minutes."
    ),
    OneTimeCode.Purpose.RESET_PASSWORD: _(
        "Amman e-Services: your password reset code is {code}. It expires in 10 minutes. "
        "If you did not ask for it, ignore this message."
    ),
}


_CODE_IN_TEXT = re.compile(rf"\b[0-9]{{{CODE_DIGITS}}}\b")


class CodeError(ValidationError):
    """A code that does not work, with the reason to show on the form."""


@dataclass(frozen=True)
class IssuedCode:
    record: OneTimeCode
    # The plain code exists only here, on its way to the SMS; it is never stored.
    code: str


def _hash(salt: str, code: str) -> str:
    return salted_hmac("accounts.one-time-code", f"{salt}:{code}", algorithm="sha256").hexdigest()


def code_issue(*, user: User, purpose: str, mobile: str) -> IssuedCode:
    """Create a fresh code for ``user`` and ``purpose`` (voiding any live one) without sending it."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        live = OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True, voided_at__isnull=True)
        previous = list(live)
        live.update(voided_at=now)
        _redact(previous)
        record = OneTimeCode.objects.create(
            user=user,
            purpose=purpose,
            mobile=mobile,
            salt=salt,
            code_hash=_hash(salt, code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    return IssuedCode(record=record, code=code)


def code_send(*, user: User, purpose: str, mobile: str | None = None) -> OneTimeCode:
    """Issue a code and send it by SMS to ``mobile`` (default: the account's number)."""
    mobile = mobile or user.mobile
    if not mobile:
        raise CodeError(_("There is no mobile number on this account to send a code to."), code="no_mobile")
    language = user.language if user.language in User.Language.values else User.Language.AR
    with transaction.atomic():
        issued = code_issue(user=user, purpose=purpose, mobile=mobile)
        with translation.override(language):
            text = str(_SMS_TEXT[purpose]).format(code=issued.code)
        # No recipient: a code must reach the phone only. The portal inbox is readable by whoever is
        # signed in, so a code shown there would "prove" a new number the person does not hold.
        # The mobile is given explicitly: for sign-up and a change of number it is not verified yet,
        # which is the point of the code.
        notification = notify(text=text, mobile=mobile, dedupe_key=_dedupe_key(issued.record))
        if notification.language != language:
            Notification.objects.filter(pk=notification.pk).update(language=language)
    return issued.record


def _dedupe_key(record: OneTimeCode) -> str:
    return f"accounts:code:{record.pk}"


def _redact(records) -> None:
    """Blank the code in the stored copy of the SMS once the code is used or void: only the hash is kept.

    (While the code is live the SMS task needs the text to send it.)
    """
    keys = [_dedupe_key(record) for record in records]
    for notification in Notification.objects.filter(dedupe_key__in=keys).only("pk", "text"):
        Notification.objects.filter(pk=notification.pk).update(text=_CODE_IN_TEXT.sub("••••••", notification.text))


def code_check(*, user: User, purpose: str, code: str) -> OneTimeCode:
    """Use ``user``'s live code for ``purpose`` if ``code`` matches; otherwise count a wrong try.

    Returns the used code (its ``mobile`` is the number that was proven). Raises :class:`CodeError`.
    The row is locked so two tries at once cannot both be counted as the first.
    """
    typed = compact(code)
    wrong_try_left: int | None = None
    with transaction.atomic():
        record = (
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True, voided_at__isnull=True)
            .first()
        )
        if record is None:
            raise CodeError(_("There is no valid code for this step. Ask for a new code."), code="no_code")
        now = timezone.now()
        if record.expires_at <= now:
            record.voided_at = now
            record.save(update_fields=["voided_at"])
            _redact([record])
            expired = True
        else:
            expired = False
            if constant_time_compare(record.code_hash, _hash(record.salt, typed)):
                record.used_at = now
                record.save(update_fields=["used_at"])
                _redact([record])
                return record
            record.attempts += 1
            if record.attempts >= CODE_MAX_ATTEMPTS:
                record.voided_at = now
                _redact([record])
            else:
                wrong_try_left = CODE_MAX_ATTEMPTS - record.attempts
            record.save(update_fields=["attempts", "voided_at"])
    # Raised after the block so the counted try (or the expiry) is committed, not rolled back.
    if expired:
        raise CodeError(_("This code has expired. Ask for a new code."), code="expired")
    if wrong_try_left is None:
        raise CodeError(
            _("Too many wrong tries: this code no longer works. Ask for a new code."), code="too_many_attempts"
        )
    raise CodeError(
        ngettext(
            "The code is not correct. You have %(count)d try left.",
            "The code is not correct. You have %(count)d tries left.",
            wrong_try_left,
        )
        % {"count": wrong_try_left},
        code="wrong",
    )


def code_live(*, user: User, purpose: str) -> OneTimeCode | None:
    """The code the person may still type for ``purpose``, if any (for "sent to 07XX…" hints)."""
    return (
        OneTimeCode.objects.filter(
            user=user, purpose=purpose, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )
