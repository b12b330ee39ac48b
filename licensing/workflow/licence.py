"""Step 8: the fees are paid, the new licence is recorded and the original licence's record updated.

The licence's PDF is issued after the payment commits, by ``licensing.tasks.licence_document_issue``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The module, not the task: licensing.tasks imports licensing.workflow.documents, which runs this
# package's __init__ first; a module reference stays valid whichever of the two is imported first.
from licensing import tasks
from licensing.constants import SMS_ISSUED, SplitStatus
from licensing.models import ProfessionLicence, SplitApplication
from licensing.workflow.common import split_lock
from services.models import ApplicationEvent
from services.workflow import TransitionError, application_transition

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def _new_licence_number(original: ProfessionLicence) -> str:
    n = original.splits.count() + 1
    while True:
        number = f"{original.number}-{n}"[:20]
        if not ProfessionLicence.objects.filter(number=number).exists():
            return number
        n += 1


def split_fees_paid(bill, payment) -> None:
    """Payments hook for fees bills: the new licence is issued and the original licence's record updated."""
    application = SplitApplication.objects.filter(fees_bill=bill).first()
    if application is None:
        raise LookupError(f"no licence split request for fees bill {bill.billing_number}")
    application = split_lock(application)
    if application.status != S.AWAITING_PAYMENT:
        raise TransitionError(
            gettext("The request is no longer waiting for its fees."),
            application=application,
            from_status=application.status,
        )
    original = ProfessionLicence.objects.select_for_update().get(pk=application.licence_id)
    if application.area_m2 >= original.area_m2:
        raise ValidationError(gettext("The original licence no longer has room for this split."))
    new = ProfessionLicence.objects.create(
        number=_new_licence_number(original),
        holder=original.holder,
        organisation=original.organisation,
        profession=application.profession,
        trade_name=application.trade_name,
        address=original.address,
        area_m2=application.area_m2,
        renewed_year=timezone.localdate().year,
        split_from=original,
    )
    today = timezone.localdate().isoformat()
    original.area_m2 = original.area_m2 - application.area_m2
    original.notes = (
        original.notes
        + ("\n" if original.notes else "")
        + f"{today}: {application.area_m2:f} m² split off as licence {new.number} (request {application.reference})"
    )
    original.save(update_fields=["area_m2", "notes", "updated_at"])
    application.new_licence = new
    application.open_licence_key = None
    application.save(update_fields=["new_licence", "open_licence_key"])
    application_transition(
        application=application,
        to_status=S.ISSUED,
        actor=None,
        actor_kind=ActorKind.SYSTEM,
        reason=_("Fees paid (e-payment number %(number)s): licence %(licence)s issued")
        % {"number": bill.billing_number, "licence": new.number},
        sms=(SMS_ISSUED, {"number": new.number}),
    )
    application_id = application.pk
    transaction.on_commit(lambda: _document_enqueue(application_id), robust=True)


def _document_enqueue(application_id: int) -> None:
    tasks.licence_document_issue.delay(application_id)
