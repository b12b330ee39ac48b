"""Endings without a licence: refusals, staff cancellation, and the deadline sweep's cancellation.

Whatever ends a request closes its open bills, frees its inspection slot and frees the licence for
another split request.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from licensing.constants import SMS_CANCELLED, SplitStatus
from licensing.models import SplitApplication
from licensing.workflow.common import split_lock
from payments.constants import BillStatus
from payments.services import bill_close
from services.models import ApplicationEvent
from services.workflow import application_transition

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def split_cleanup(application: SplitApplication, *, reason: str) -> None:
    """A request that ends without a licence: its open bills close, its slot is freed, the licence too."""
    for bill in (application.dues_bill, application.fees_bill):
        if bill is not None and bill.status == BillStatus.OPEN:
            bill_close(bill=bill, reason=reason)
    application.bookings.filter(cancelled_at__isnull=True, result="").update(cancelled_at=timezone.now())
    if application.open_licence_key is not None:
        application.open_licence_key = None
        application.save(update_fields=["open_licence_key"])


def split_end(
    *, application: SplitApplication, to_status: str, actor, reason, sms, actor_kind: str = ActorKind.STAFF
) -> None:
    """Move the (locked) request to a final status and clean up after it."""
    application_transition(
        application=application, to_status=to_status, actor=actor, actor_kind=actor_kind, reason=reason, sms=sms
    )
    split_cleanup(application, reason=f"request {application.reference} {to_status}")


def split_cancel(*, application: SplitApplication, actor, reason: str) -> SplitApplication:
    """Staff cancel a request that is not final, with a reason the applicant receives by SMS."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Write why the request is cancelled: the applicant reads it."), code="reason")
    with transaction.atomic():
        application = split_lock(application)
        split_end(
            application=application,
            to_status=S.CANCELLED,
            actor=actor,
            reason=reason,
            sms=(SMS_CANCELLED, {"reason": reason}),
        )
    return application


def split_deadline_passed(*, application: SplitApplication) -> None:
    """``on_deadline`` hook: the sweep has cancelled the request; close its bills and free the licence."""
    application = split_lock(application)
    if application.status == S.CANCELLED:
        split_cleanup(application, reason=f"request {application.reference} not paid in time")
