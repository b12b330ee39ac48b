"""The split request's lifecycle as the services registry knows it (registered in ``LicensingConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from licensing.constants import BILL_KIND_DUES, BILL_KIND_FEES, KIND, SERVICE_SLUG, TRANSITIONS, SplitStatus
from licensing.workflow.endings import split_deadline_passed
from services.workflow import Workflow

S = SplitStatus


class SplitWorkflow(Workflow):
    kind = KIND
    statuses = SplitStatus
    transitions = TRANSITIONS
    final = {S.ISSUED, S.REFUSED, S.CANCELLED}
    completed = {S.ISSUED}
    refused = {S.REFUSED}
    bill_kinds = (BILL_KIND_DUES, BILL_KIND_FEES)
    service_slug = SERVICE_SLUG
    reference_prefix = "PL"
    next_action = {
        S.AWAITING_DUES: (_("Pay the dues"), "licensing:pay"),
        S.AWAITING_BOOKING: (_("Book an inspection"), "licensing:book"),
        S.AWAITING_CORRECTIONS: (_("Confirm the corrections"), "licensing:corrections"),
        S.AWAITING_PAYMENT: (_("Pay the fees"), "licensing:pay"),
    }

    @classmethod
    def on_deadline(cls, application) -> None:
        split_deadline_passed(application=application)
