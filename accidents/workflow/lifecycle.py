"""The accident claim's lifecycle as the shared registry reads it (registered in ``AccidentsConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accidents.constants import BILL_KIND, FINAL, KIND, SERVICE_SLUG, TRANSITIONS, ClaimStatus
from accidents.workflow.cancel import claim_deadline_passed
from services.workflow import Workflow

S = ClaimStatus


class ClaimWorkflow(Workflow):
    kind = KIND
    statuses = ClaimStatus
    transitions = TRANSITIONS
    final = FINAL
    # A claim refused on its merits (e.g. an invalid insurer's letter) is cancelled, with the reason.
    completed = {S.RELEASED}
    refused = set()
    bill_kinds = (BILL_KIND,)
    service_slug = SERVICE_SLUG
    reference_prefix = "AC"
    next_action = {
        S.AWAITING_CHOICE: (_("Choose how to pay"), "accidents:choose"),
        S.AWAITING_LETTER: (_("Upload the insurer's letter"), "accidents:letter"),
        S.AWAITING_PAYMENT: (_("Pay the damage"), "accidents:pay"),
    }

    @classmethod
    def on_deadline(cls, application) -> None:
        claim_deadline_passed(claim=application)
