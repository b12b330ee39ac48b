"""Every write of a permit renewal request, one module per stage: submit, staff decisions (approve,
refuse, close), payment (extend and issue), the renewed permit's document. Status moves go through
``services.workflow.application_transition``; SMS through :mod:`contractors.workflow.sms`.

``renewal_bill_paid`` (the payments hook) is imported from :mod:`contractors.workflow.payment`, not from
here: it enqueues ``contractors.tasks``, which imports this package, so re-exporting it would make a loop.
"""

from contractors.constants import PUBLIC_APPLICANT_USERNAME
from contractors.workflow.decisions import (
    renewal_after_close,
    renewal_approve,
    renewal_default_period,
    renewal_refuse,
)
from contractors.workflow.definition import RenewalWorkflow
from contractors.workflow.documents import renewal_permit_issue
from contractors.workflow.submit import (
    RenewalRefusedError,
    public_applicant,
    renewal_period_check,
    renewal_submit,
)

__all__ = [
    "PUBLIC_APPLICANT_USERNAME",
    "RenewalRefusedError",
    "RenewalWorkflow",
    "public_applicant",
    "renewal_after_close",
    "renewal_approve",
    "renewal_default_period",
    "renewal_period_check",
    "renewal_permit_issue",
    "renewal_refuse",
    "renewal_submit",
]
