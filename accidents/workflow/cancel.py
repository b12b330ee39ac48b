"""Cancellation: by staff with a reason (at any step before a final status), or by the deadline
sweep when the damage is not paid or the insurer's letter not uploaded within 3 days (seed 002,
notes 1 and 2). A cancelled claim's open bill is closed and its police report freed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accidents.constants import SMS_CANCELLED, ClaimStatus
from accidents.models import AccidentClaim
from accidents.workflow.common import claim_lock
from payments.constants import BillStatus
from payments.services import bill_close
from services.models import ApplicationEvent
from services.workflow import application_transition


def _close_bill(claim: AccidentClaim, *, reason: str) -> None:
    """A cancelled claim's open bill can no longer be paid (a later payment goes to finance staff)."""
    if claim.bill_id and claim.bill.status == BillStatus.OPEN:
        bill_close(bill=claim.bill, reason=reason)


def _free_report(claim: AccidentClaim) -> None:
    claim.open_report_key = None
    claim.save(update_fields=["open_report_key"])


def claim_cancel_locked(*, claim: AccidentClaim, actor, actor_kind: str, reason, sms) -> None:
    """Cancel a locked claim inside the caller's transaction."""
    application_transition(
        application=claim, to_status=ClaimStatus.CANCELLED, actor=actor, actor_kind=actor_kind, reason=reason, sms=sms
    )
    _close_bill(claim, reason=f"request {claim.reference} cancelled")
    _free_report(claim)


def claim_cancel(*, claim: AccidentClaim, actor, reason: str) -> AccidentClaim:
    """Staff cancel a request that is not final (e.g. the sketch shows no municipal property), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Write why the request is cancelled: the applicant reads it."), code="reason")
    with transaction.atomic():
        claim = claim_lock(claim)
        claim_cancel_locked(
            claim=claim,
            actor=actor,
            actor_kind=ApplicationEvent.ActorKind.STAFF,
            reason=reason,
            sms=(SMS_CANCELLED, {"reason": reason}),
        )
    return claim


def claim_deadline_passed(*, claim: AccidentClaim) -> None:
    """``on_deadline`` hook: the sweep has just cancelled the claim (seed 002 notes 1 and 2) and texted
    the applicant the deadline's reason.

    Closes the unpaid bill so it can no longer be paid (a later payment is kept for finance staff) and
    frees the police report for a new request. Runs inside the sweep's transaction.
    """
    claim = claim_lock(claim)
    if claim.status != ClaimStatus.CANCELLED:
        return
    _close_bill(claim, reason=f"request {claim.reference} not paid within 3 days")
    _free_report(claim)
