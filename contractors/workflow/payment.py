"""The fee is paid: the permit is extended and the request issued, in the payment's transaction; the
renewed permit's PDF is issued after the commit (``contractors.tasks``), so a slow or failing render can
neither hold up nor roll back the payment.

Not re-exported by ``contractors.workflow``: this stage enqueues ``contractors.tasks``, which imports the
package for the document stage (``contractors.apps`` imports the handler from here).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from contractors.constants import PermitStatus, RenewalStatus
from contractors.models import Permit, RenewalRequest
from contractors.tasks import renewed_permit_issue
from services.models import ApplicationEvent
from services.workflow import application_transition


def renewal_bill_paid(bill, payment) -> None:
    """eFAWATEERcom paid the renewal's bill: extend the permit, mark the request issued, and issue the
    renewed permit (with its SMS) once the payment has committed.

    Called by payments inside the payment's transaction; raising leaves the payment queued for
    finance staff (e.g. the request was cancelled meanwhile).
    """
    renewal = RenewalRequest.objects.select_for_update().select_related("permit__contractor").get(bill=bill)
    if renewal.status == RenewalStatus.ISSUED:
        return
    if renewal.status != RenewalStatus.AWAITING_PAYMENT:
        raise ValidationError(f"renewal {renewal.reference} is {renewal.status}, not awaiting payment")
    permit = Permit.objects.select_for_update().get(pk=renewal.permit_id)
    permit.valid_until = max(permit.valid_until, renewal.approved_until)
    fields = ["valid_until", "updated_at"]
    if permit.status != PermitStatus.ACTIVE:
        permit.status = PermitStatus.ACTIVE
        fields.append("status")
    permit.save(update_fields=fields)
    application_transition(
        application=renewal,
        to_status=RenewalStatus.ISSUED,
        actor_kind=ApplicationEvent.ActorKind.SYSTEM,
        reason=_("Fee paid"),
        public_note=_("The renewed permit was issued."),
        expected_status=RenewalStatus.AWAITING_PAYMENT,
    )
    renewal_id, payment_id = renewal.pk, payment.pk
    transaction.on_commit(lambda: renewed_permit_issue.delay(renewal_id, payment_id), robust=True)
