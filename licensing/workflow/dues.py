"""Step 2: the owner's dues on the property (one e-payment number), and their payment.

The ledger itself is read and settled through :mod:`licensing.dues`.
"""

import logging
from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing.constants import BILL_KIND_DUES, BILL_SERVICE_TYPE_DUES, SplitStatus
from licensing.dues import DueItem, dues_settle
from licensing.models import DuesEntry, SplitApplication
from licensing.workflow.accept import split_accept
from licensing.workflow.common import split_lock
from payments.services import BillLineSpec, bill_create
from services.models import ApplicationEvent
from services.workflow import application_payer_name

logger = logging.getLogger(__name__)

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def split_dues_bill_create(*, application: SplitApplication, dues: list[DueItem], expires_at: datetime):
    """One bill for every unpaid ledger entry, each a line pointing at its entry (settled on payment)."""
    entries = {e.pk: e for e in DuesEntry.objects.filter(pk__in=[d.entry_id for d in dues])}
    lines = []
    for due in dues:
        with translation.override("ar"):
            ar = f"{due.kind_label} {due.year} — {application.deed_reference}"
        with translation.override("en"):
            en = f"{due.kind_label} {due.year} — {application.deed_reference}"
        lines.append(
            BillLineSpec(
                description_ar=ar, description_en=en, amount=due.amount, item_key=due.key, obj=entries[due.entry_id]
            )
        )
    with translation.override("ar"):
        description_ar = gettext("Municipal dues on the property, request %(reference)s") % {
            "reference": application.reference
        }
    with translation.override("en"):
        description_en = gettext("Municipal dues on the property, request %(reference)s") % {
            "reference": application.reference
        }
    return bill_create(
        kind=BILL_KIND_DUES,
        service_type=BILL_SERVICE_TYPE_DUES,
        lines=lines,
        payer_name=application_payer_name(application),
        payer=application.applicant,
        organisation=application.organisation,
        expires_at=expires_at,
        description_ar=description_ar,
        description_en=description_en,
    )


def split_dues_paid(bill, payment) -> None:
    """Payments hook for dues bills: the ledger entries are settled and the request accepted (step 2-3).

    Runs inside the payment's transaction with the bill locked; raising keeps the money for finance staff.
    """
    application = SplitApplication.objects.filter(dues_bill=bill).first()
    if application is None:
        raise LookupError(f"no licence split request for dues bill {bill.billing_number}")
    application = split_lock(application)
    # The dues are owed whatever becomes of the request, so the payment settles them in any case (a
    # cancelled request's bill is closed, and the payments app keeps a payment on it for finance staff).
    dues_settle(entry_ids=[line.object_id for line in bill.lines.all() if line.object_id], bill=bill)
    if application.status != S.AWAITING_DUES:
        logger.warning(
            "dues bill %s paid for %s in status %s", bill.billing_number, application.reference, application.status
        )
        return
    split_accept(
        application=application,
        actor=None,
        actor_kind=ActorKind.SYSTEM,
        reason=_("Dues paid (e-payment number %(number)s): request accepted") % {"number": bill.billing_number},
    )
