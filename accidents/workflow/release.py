"""Step 11 of seed 002: the claim is released (paid, or the insurer's letter accepted); its
certificate is issued by a Celery task after the commit, never inside the payment's transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accidents import tasks
from accidents.constants import SMS_RELEASED, ClaimStatus
from accidents.models import AccidentClaim
from services.workflow import application_transition


def claim_release(*, claim: AccidentClaim, actor, actor_kind: str, reason, internal_note: str = "") -> None:
    """Move a locked claim to released, inside the caller's transaction; the certificate follows the commit."""
    claim.released_at = timezone.now()
    claim.save(update_fields=["released_at"])
    application_transition(
        application=claim,
        to_status=ClaimStatus.RELEASED,
        actor=actor,
        actor_kind=actor_kind,
        reason=reason,
        internal_note=internal_note,
        sms=(SMS_RELEASED, {"plate": claim.plate}),
    )
    claim_id = claim.pk
    transaction.on_commit(lambda: tasks.release_certificate_issue.delay(claim_id), robust=True)
