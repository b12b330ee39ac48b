"""The renewal's lifecycle as the services registry knows it (registered in ``contractors.apps``)."""

from django.utils.translation import gettext_lazy as _

from contractors.constants import BILL_KIND, KIND, RENEWAL_FINAL, RENEWAL_TRANSITIONS, SERVICE_SLUG, RenewalStatus
from contractors.workflow.decisions import renewal_after_close
from services.workflow import Workflow


class RenewalWorkflow(Workflow):
    kind = KIND
    statuses = RenewalStatus
    transitions = RENEWAL_TRANSITIONS
    final = RENEWAL_FINAL
    completed = {RenewalStatus.ISSUED}
    refused = {RenewalStatus.REFUSED}
    bill_kinds = (BILL_KIND,)
    service_slug = SERVICE_SLUG
    reference_prefix = "CP"
    next_action = {RenewalStatus.AWAITING_PAYMENT: (_("Pay the renewal fee"), "payments:bill-detail")}

    @classmethod
    def next_action_url(cls, application, url_name: str) -> str:
        renewal = application.specific()
        return renewal.bill.get_absolute_url() if renewal.bill_id else ""

    @classmethod
    def on_deadline(cls, application) -> None:
        """The payment deadline passed (the sweep already moved the request to cancelled)."""
        renewal_after_close(renewal=application)
