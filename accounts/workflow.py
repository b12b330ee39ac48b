"""Writes about people: sign-up, mobile verification and change, password reset by SMS, profile.

Views, the allauth adapter, the admin and the demo loader call these; the rules live here.
"""

import secrets

from axes.utils import reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.codes import CodeError, code_check, code_send
from accounts.constants import (
    ACCOUNT_CHANGE_EMAIL,
    ACCOUNT_CHANGE_MOBILE,
    ACCOUNT_CHANGE_PASSWORD,
    ACCOUNT_CHANGE_SMS,
    MOBILE_CHANGE_RESET_HOLD,
)
from accounts.devices import devices_revoke_all
from accounts.models import OneTimeCode, User
from accounts.sanad import sanad_enabled
from accounts.selectors import user_by_identifier
from notifications.outbox import notify

MSG_NATIONAL_ID_TAKEN = _("An account with this national number already exists. Sign in, or reset your password.")
MSG_PERSONAL_NUMBER_TAKEN = _("An account with this personal number already exists. Sign in, or reset your password.")
MSG_MOBILE_TAKEN = _("This mobile number is already used by another account.")
MSG_RESET_AFTER_MOBILE_CHANGE = _(
    "The mobile number of this account was changed less than 72 hours ago, so its password cannot be reset "
    "by SMS yet. Reset it by e-mail if the account has an e-mail address, or call the municipality's "
    "customer service (bring your identity document to a service centre) to get your account back."
)
# Issue 17, finding 4: a number typed at sign-up is only a claim, and never stops its real holder.
MSG_NUMBER_CLAIMED_SANAD = _(
    "An account already claims this number, but its holder has not proven it. If this is your number, "
    "sign in with Sanad to prove it: the number then moves to you. If the account is yours, sign in to it."
)
MSG_NUMBER_CLAIMED = _(
    "An account already claims this number, but its holder has not proven it. If the account is yours, sign in "
    "to it; if this is your number and you did not open that account, please contact the municipality's "
    "customer service."
)


def number_claimed_message():
    """What sign-up says about a number another account claims without proof (README "Accounts")."""
    return MSG_NUMBER_CLAIMED_SANAD if sanad_enabled() else MSG_NUMBER_CLAIMED


def username_new() -> str:
    """People never type their username (they sign in with a number), so it only has to be unique."""
    while True:
        username = f"u-{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


def identity_taken_errors(
    *, national_id: str = "", personal_number: str = "", mobile: str = "", exclude_pk: int | None = None
) -> dict[str, ValidationError]:
    """Which of these identifiers already name another account, as form-field errors.

    A national number and a personal number live in one namespace for sign-in, so each is checked
    against both columns.
    """
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    errors: dict[str, ValidationError] = {}
    for field, number, taken in (
        ("national_id", national_id, MSG_NATIONAL_ID_TAKEN),
        ("personal_number", personal_number, MSG_PERSONAL_NUMBER_TAKEN),
    ):
        holder = others.filter(Q(national_id=number) | Q(personal_number=number)).first() if number else None
        if holder is not None:
            errors[field] = ValidationError(
                taken if holder.identity_verified else number_claimed_message(), code="taken"
            )
    if mobile and others.filter(mobile=mobile).filter(_holds_mobile()).exists():
        errors["mobile"] = ValidationError(MSG_MOBILE_TAKEN, code="taken")
    return errors


def _live_verification_code():
    return OneTimeCode.objects.filter(
        user=OuterRef("pk"),
        purpose=OneTimeCode.Purpose.VERIFY_MOBILE,
        used_at__isnull=True,
        voided_at__isnull=True,
        # The application's clock, like accounts.codes (not the database's NOW()).
        expires_at__gt=timezone.now(),
    )


# Who holds a mobile number: the account that verified it, or one still waiting for its code. An
# unverified number whose code is dead is released to the next person who proves it, so that a typo
# (or a stranger) at sign-up cannot keep a citizen's own number from them for ever.
def _holds_mobile() -> Q:
    return Q(mobile_verified=True) | Q(Exists(_live_verification_code()))


def mobile_release_stale(*, mobile: str, exclude_pk: int | None = None) -> int:
    """Take ``mobile`` off accounts that never verified it and have no live code for it.

    Such an account keeps everything else; it is asked for a number again at its next sign-in
    (MobileVerificationMiddleware sends it to verify, where it can change the number).
    """
    stale = User.objects.filter(mobile=mobile).exclude(_holds_mobile())
    if exclude_pk:
        stale = stale.exclude(pk=exclude_pk)
    return stale.update(mobile="")


def _raise_taken(errors: dict[str, ValidationError]) -> None:
    if errors:
        raise ValidationError({field: [error] for field, error in errors.items()})


def user_register(
    *,
    full_name_ar: str,
    mobile: str,
    password: str,
    full_name_en: str = "",
    national_id: str = "",
    personal_number: str = "",
    nationality: str = "",
    email: str = "",
    language: str = User.Language.AR,
) -> User:
    """Create a citizen's or resident's account and send the code that verifies their mobile.

    Arguments are already normalised (see :mod:`accounts.identity`). Raises ``ValidationError``
    keyed by field when a number is already used, including when a concurrent sign-up wins the race.
    """
    if bool(national_id) == bool(personal_number):
        raise ValueError("exactly one of national_id and personal_number")
    _raise_taken(identity_taken_errors(national_id=national_id, personal_number=personal_number, mobile=mobile))
    user = User(
        username=username_new(),
        full_name_ar=full_name_ar,
        full_name_en=full_name_en,
        national_id=national_id,
        personal_number=personal_number,
        nationality=nationality if personal_number else "",
        mobile=mobile,
        mobile_verified=False,
        email=email,
        language=language if language in User.Language.values else User.Language.AR,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            mobile_release_stale(mobile=mobile)
            user.save()
            code_send(user=user, purpose=OneTimeCode.Purpose.VERIFY_MOBILE)
    except IntegrityError:
        # Someone registered the same number between our check and our insert: report it the same way.
        _raise_taken(identity_taken_errors(national_id=national_id, personal_number=personal_number, mobile=mobile))
        raise
    return user


def mobile_verification_resend(*, user: User) -> OneTimeCode:
    if user.mobile_verified:
        raise CodeError(_("Your mobile number is already verified."), code="already_verified")
    return code_send(user=user, purpose=OneTimeCode.Purpose.VERIFY_MOBILE)


def mobile_verify(*, user: User, code: str) -> User:
    """Mark the account's mobile verified with the code sent to it."""
    record = code_check(user=user, purpose=OneTimeCode.Purpose.VERIFY_MOBILE, code=code)
    if record.mobile != user.mobile:
        raise CodeError(_("This code was sent to a different number. Ask for a new code."), code="other_mobile")
    User.objects.filter(pk=user.pk).update(mobile_verified=True)
    user.mobile_verified = True
    return user


def mobile_change_request(*, user: User, mobile: str) -> OneTimeCode:
    """Send a code to the new number; the account keeps its old number until the code comes back."""
    if mobile == user.mobile and user.mobile_verified:
        raise ValidationError({"mobile": [_("This is already your verified mobile number.")]})
    _raise_taken(identity_taken_errors(mobile=mobile, exclude_pk=user.pk))
    return code_send(user=user, purpose=OneTimeCode.Purpose.CHANGE_MOBILE, mobile=mobile)


def mobile_change_confirm(*, user: User, code: str) -> User:
    """Make the proven new number the account's; the old number, if it was proven, is told (issue 17).

    The time of the change is kept: an SMS password reset to a number this fresh is refused
    (:func:`password_reset_request`), so a borrowed session cannot turn into the account.
    """
    record = code_check(user=user, purpose=OneTimeCode.Purpose.CHANGE_MOBILE, code=code)
    old_mobile = user.mobile if user.mobile_verified else ""
    now = timezone.now()
    try:
        with transaction.atomic():
            mobile_release_stale(mobile=record.mobile, exclude_pk=user.pk)
            User.objects.filter(pk=user.pk).update(mobile=record.mobile, mobile_verified=True, mobile_changed_at=now)
            if old_mobile and old_mobile != record.mobile:
                account_change_alert(
                    user=user, change=ACCOUNT_CHANGE_MOBILE, mobile=old_mobile, event=f"code-{record.pk}"
                )
    except IntegrityError:
        raise ValidationError(MSG_MOBILE_TAKEN, code="taken") from None
    user.mobile, user.mobile_verified, user.mobile_changed_at = record.mobile, True, now
    return user


def mobile_recently_changed(user: User) -> bool:
    changed = user.mobile_changed_at
    return changed is not None and timezone.now() - changed < MOBILE_CHANGE_RESET_HOLD


def account_change_alert(*, user: User, change: str, mobile: str | None = None, event: str = "") -> None:
    """Tell the person by SMS that their account changed, and how to undo it (a fixed text).

    ``mobile``: the number to tell (the old one, for a change of number); default the account's verified
    number. Changes in the same minute (add an e-mail, make it the main one) send one SMS.
    """
    event = event or timezone.now().strftime("%Y%m%d%H%M")
    notify(
        text=ACCOUNT_CHANGE_SMS[change],
        context={"url": settings.SITE_URL.rstrip("/") + reverse("account_login")},
        recipient=user,
        mobile=mobile,
        dedupe_key=f"accounts:changed:{change}:{user.pk}:{event}",
    )


def password_reset_request(*, identifier: str) -> User | None:
    """Send a reset code to the mobile of the account named by ``identifier``.

    Returns the account (None when no account matches); callers must not reveal which, so that the
    form cannot be used to find out who has an account.
    """
    user = user_by_identifier(identifier)
    if user is None or not user.mobile:
        return None
    if mobile_recently_changed(user):
        # Whoever changed the number may not be the person (finding 1): the reset would hand them the
        # account. Said plainly, with the ways that remain: e-mail, or the municipality.
        raise ValidationError(MSG_RESET_AFTER_MOBILE_CHANGE, code="mobile_recently_changed")
    code_send(user=user, purpose=OneTimeCode.Purpose.RESET_PASSWORD)
    return user


def password_reset_complete(*, user: User, code: str, password: str) -> User:
    """Set a new password with the reset code. The code proves the mobile too."""
    validate_password(password, user=user)
    record = code_check(user=user, purpose=OneTimeCode.Purpose.RESET_PASSWORD, code=code)
    user.set_password(password)
    fields = ["password"]
    if record.mobile == user.mobile and not user.mobile_verified:
        user.mobile_verified = True
        fields.append("mobile_verified")
    user.save(update_fields=fields)
    _axes_reset(user)
    account_password_reset(user=user)
    return user


def account_password_changed(*, user: User, keep: str | None) -> int:
    """After a password change: every other session and every app token ends (finding 2); the mobile is told.

    ``keep``: the device the person changed it from (``session-<id>``), which stays signed in.
    """
    ended = devices_revoke_all(user=user, keep=keep)
    account_change_alert(user=user, change=ACCOUNT_CHANGE_PASSWORD)
    return ended


def account_password_reset(*, user: User) -> int:
    """After a reset (by SMS or e-mail): every session and app token ends; the mobile is told."""
    return account_password_changed(user=user, keep=None)


def account_email_changed(*, user: User) -> None:
    account_change_alert(user=user, change=ACCOUNT_CHANGE_EMAIL)


def _axes_reset(user: User) -> None:
    """A person who proved their mobile may sign in again at once, even after a lockout."""
    reset(username=user.get_username())


def language_choose(*, user: User, language: str) -> None:
    """The language the person chose with the header switch becomes their preference (pages and SMS)."""
    if language in User.Language.values and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def profile_update(*, user: User, full_name_ar: str, full_name_en: str, language: str) -> User:
    if language not in User.Language.values:
        raise ValidationError({"language": [_("Choose Arabic or English.")]})
    user.full_name_ar, user.full_name_en, user.language = full_name_ar, full_name_en, language
    user.save(update_fields=["full_name_ar", "full_name_en", "language"])
    return user
