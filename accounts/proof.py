"""A number belongs to whoever proves it (issue 17, finding 4).

A national or personal number typed at sign-up is a *claim*: nobody checked that the person typing it
holds it. A sign-in through the national identity provider (Sanad) *proves* a number. When someone
proves a number that another account only claims, the number moves: the claimant's account keeps
everything it has (its history, organisations, mobile and password) but loses the number, is told by
SMS, and the move is an :class:`~accounts.models.IdentityProof` row that the audit trail records
(``AUDITED_MODELS``) beside the claimant's own changed row.

A proven number never moves again: the database allows one account per number, and this module
refuses a second proof for a number another account has proven.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import establishments
from accounts.identity import national_id_normalise, nationality_clean, personal_number_normalise
from accounts.models import IdentityProof, IdentitySource, User
from accounts.workflow import username_new
from notifications.outbox import notify

logger = logging.getLogger(__name__)

# A concurrent sign-up may insert the number between our read and our write: the database refuses
# one of the two, and the proof is simply tried again (it then finds the new claimant and moves it).
PROOF_ATTEMPTS = 3

MSG_NO_NUMBER = _(
    "Sanad did not give us your national or personal number, so we cannot sign you in with it. "
    "Sign in with your password, or try again later."
)
MSG_NO_NATIONALITY = _(
    "Sanad gave a personal number without a nationality, so we cannot open an account with it. "
    "Please contact the municipality's customer service."
)
MSG_OTHER_NUMBER = _(
    "Your Sanad identity carries a different national or personal number from this account's. "
    "Log out, then sign in with Sanad to use the account of your own number."
)
MSG_PROVEN_ELSEWHERE = _(
    "This national or personal number is already proven by another account. "
    "Please contact the municipality's customer service."
)
# Fixed text: nothing typed by anyone goes into it (issue 17, finding 7).
NUMBER_MOVED_SMS = _(
    "Amman e-Services: the holder of the national or personal number on your account proved it through "
    "Sanad, so it was removed from your account. Your account and its history stay: sign in with your "
    "mobile number."
)


def number_columns(number: str, nationality: str = "") -> dict[str, str]:
    """``{"national_id": …}`` for a 10-digit national number, else ``{"personal_number": …, "nationality": …}``."""
    if not number.strip():
        raise ValidationError(MSG_NO_NUMBER, code="no_number")
    try:
        return {"national_id": national_id_normalise(number)}
    except ValidationError:
        pass
    try:
        personal_number = personal_number_normalise(number)
    except ValidationError:
        raise ValidationError(MSG_NO_NUMBER, code="no_number") from None
    try:
        return {"personal_number": personal_number, "nationality": nationality_clean(nationality)}
    except ValidationError:
        raise ValidationError(MSG_NO_NATIONALITY, code="no_nationality") from None


def identity_prove(
    *,
    number: str,
    source: str = IdentitySource.SANAD,
    subject: str = "",
    full_name_ar: str = "",
    full_name_en: str = "",
    nationality: str = "",
    linked_user: User | None = None,
    signed_in_user: User | None = None,
) -> User:
    """Record that the person proved ``number`` and return the account that now holds it, verified.

    Which account: ``linked_user`` (already linked to this identity), else ``signed_in_user`` (proving
    their own account from the profile), else the account holding the number if it is itself
    verified, else a new account with the names given (no password, mobile still to verify). Any other
    account that only claimed the number loses it (SMS, audit). Raises ``ValidationError`` with a
    message for the person when the number cannot be theirs here.
    """
    columns = number_columns(number, nationality)
    proven = columns.get("national_id") or columns["personal_number"]
    for attempt in range(1, PROOF_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _prove(
                    number=proven,
                    columns=columns,
                    source=source,
                    subject=subject,
                    names={"full_name_ar": full_name_ar, "full_name_en": full_name_en},
                    chosen=linked_user or signed_in_user,
                )
        except IntegrityError:
            if attempt == PROOF_ATTEMPTS:
                raise
            logger.info("identity proof raced another write of the same number; trying again")
    raise AssertionError("unreachable")  # pragma: no cover


def _prove(*, number: str, columns: dict, source: str, subject: str, names: dict, chosen: User | None) -> User:
    # Lock every account naming the number (either column: they share one sign-in namespace) so two
    # proofs, or a proof and a staff edit, cannot interleave.
    holders = list(
        User.objects.select_for_update().filter(Q(national_id=number) | Q(personal_number=number)).order_by("pk")
    )
    if chosen is not None:
        target = User.objects.select_for_update().get(pk=chosen.pk)
        if target.id_number and target.id_number != number:
            raise ValidationError(MSG_OTHER_NUMBER, code="other_number")
    else:
        target = next((holder for holder in holders if holder.identity_verified), None)
    claimants = [holder for holder in holders if target is None or holder.pk != target.pk]
    if any(claimant.identity_verified for claimant in claimants):
        raise ValidationError(MSG_PROVEN_ELSEWHERE, code="proven_elsewhere")

    for claimant in claimants:
        _number_release(claimant, number)
    now = timezone.now()
    if target is None:
        target = User(username=username_new(), **names, **columns, language=User.Language.AR)
        target.set_unusable_password()
        target.identity_verified_at, target.identity_source = now, source
        target.save()
    else:
        fields = ["identity_verified_at", "identity_source"]
        if not target.id_number:
            for name, value in columns.items():
                setattr(target, name, value)
            fields += list(columns)
        target.identity_verified_at, target.identity_source = now, source
        target.save(update_fields=fields)

    for claimant in claimants or [None]:
        record = IdentityProof.objects.create(
            user=target, number=number, source=source, subject=subject[:255], taken_from=claimant, at=now
        )
        if claimant is not None:
            notify(
                text=NUMBER_MOVED_SMS,
                recipient=claimant,
                dedupe_key=f"accounts:number-moved:{record.pk}",
            )
            logger.info("number proven by user %s moved from user %s", target.pk, claimant.pk)
    establishments.organisations_verify_from_register(user=target)
    return target


def _number_release(claimant: User, number: str) -> None:
    """Take the claimed ``number`` off ``claimant`` (the rest of the account stays as it is)."""
    fields = [name for name in ("national_id", "personal_number") if getattr(claimant, name) == number]
    for name in fields:
        setattr(claimant, name, "")
    # A saved row, not a queryset update: the audit trail records the change (portal.audit).
    claimant.save(update_fields=fields)


def number_holder(number: str) -> User | None:
    """The account that holds ``number`` (national or personal), verified or not."""
    return User.objects.filter(Q(national_id=number) | Q(personal_number=number)).order_by("pk").first()
