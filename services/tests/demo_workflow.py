"""A small workflow used by the services tests (registered by the ``demo_workflow`` fixture)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from services.workflow import Workflow

KIND = "svcdemo"


class DemoStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class DemoWorkflow(Workflow):
    kind = KIND
    statuses = DemoStatus
    reference_prefix = "DM"
    transitions = {
        DemoStatus.DRAFT: {DemoStatus.SUBMITTED, DemoStatus.CANCELLED},
        DemoStatus.SUBMITTED: {DemoStatus.AWAITING_PAYMENT, DemoStatus.REJECTED},
        DemoStatus.AWAITING_PAYMENT: {DemoStatus.PAID, DemoStatus.CANCELLED},
        DemoStatus.PAID: {DemoStatus.APPROVED, DemoStatus.REJECTED},
    }
    final = {DemoStatus.APPROVED, DemoStatus.REJECTED, DemoStatus.CANCELLED}
    drafts = {DemoStatus.DRAFT}
    next_action = {DemoStatus.AWAITING_PAYMENT: (_("Pay the fees"), "services:application-detail")}
    # Filled by tests that check the deadline hook.
    hook_calls: list = []

    @classmethod
    def on_deadline(cls, application):
        cls.hook_calls.append((application.pk, application.status))
