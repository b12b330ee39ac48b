"""Steps 9-10 of seed 002: the applicant uploads the insurer's approval letter, staff review it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accidents.constants import SMS_LETTER_INVALID, ClaimStatus
from accidents.models import AccidentClaim
from accidents.workflow.cancel import claim_cancel_locked
from accidents.workflow.common import claim_lock
from accidents.workflow.release import claim_release
from accounts.party import Party
from services.models import ApplicationEvent
from services.uploads import upload_store
from services.workflow import CLEAR, application_require_party, application_require_status, application_transition

S = ClaimStatus


def claim_letter_upload(*, claim: AccidentClaim, party: Party, letter) -> AccidentClaim:
    """Step 9: the applicant uploads the insurer's approval letter; staff then review it.

    Refused (nothing stored) unless a letter is being asked for.
    """
    with transaction.atomic():
        claim = claim_lock(claim)
        application_require_party(claim, party)
        application_require_status(
            claim, S.AWAITING_LETTER, message=gettext("No insurer's letter is being asked for on this request.")
        )
        if letter is None:
            raise ValidationError({"letter": [gettext("Attach the insurer's approval letter.")]})
        try:
            stored = upload_store(
                file=letter,
                kind="insurer_letter",
                applicant=party.user,
                organisation=party.organisation,
                allowed=("pdf", "jpeg", "png"),
            )
        except ValidationError as exc:
            raise ValidationError({"letter": exc.messages}) from None
        claim.letter = stored
        claim.letter_uploaded_at = timezone.now()
        claim.save(update_fields=["letter", "letter_uploaded_at"])
        application_transition(
            application=claim,
            to_status=S.LETTER_REVIEW,
            actor=party.user,
            actor_kind=ApplicationEvent.ActorKind.CITIZEN,
            reason=_("The insurer's approval letter was uploaded"),
            deadline=CLEAR,
        )
    return claim


def claim_letter_decide(*, claim: AccidentClaim, actor, valid: bool, reason: str = "") -> AccidentClaim:
    """Step 10: staff check the letter; invalid cancels the request (with the reason, by SMS), valid releases it."""
    reason = (reason or "").strip()
    if not valid and not reason:
        raise ValidationError(gettext("Write why the letter is not valid: the applicant reads it."), code="reason")
    with transaction.atomic():
        claim = claim_lock(claim)
        application_require_status(
            claim, S.LETTER_REVIEW, message=gettext("There is no insurer's letter waiting for review.")
        )
        claim.letter_reviewed_at = timezone.now()
        claim.letter_reviewed_by = actor
        claim.letter_valid = valid
        claim.save(update_fields=["letter_reviewed_at", "letter_reviewed_by", "letter_valid"])
        if valid:
            claim_release(
                claim=claim,
                actor=actor,
                actor_kind=ApplicationEvent.ActorKind.STAFF,
                reason=_("The insurer's letter is valid"),
            )
        else:
            claim_cancel_locked(
                claim=claim,
                actor=actor,
                actor_kind=ApplicationEvent.ActorKind.STAFF,
                reason=reason,
                sms=(SMS_LETTER_INVALID, {"reason": reason}),
            )
    return claim
