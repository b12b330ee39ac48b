"""Every write of the profession licence splitting service (seed 004), one module per step of the card.

Views, the admin, the payment hooks and Celery call these functions only. Each status move goes
through ``services.workflow.application_transition`` (allowed-moves map, event, SMS after commit).
Reads are in :mod:`licensing.selectors`.

- ``submit``: steps 1-3, the application; ``dues``: the owner's dues first; ``accept``: accepted
- ``approvals``: step 4, the external bodies' answers
- ``inspection``: step 5, booking, result (once the visit has begun) or a missed visit; ``corrections``: the applicant confirms them
- ``civil_defence``: step 6; ``fees``: step 7, the fees bill
- ``licence``: step 8, fees paid and the new licence; ``documents``: its PDF (in a Celery task)
- ``endings``: refusal, cancellation, the deadline sweep; ``lifecycle``: ``SplitWorkflow``
"""

from licensing.workflow.approvals import split_approval_record
from licensing.workflow.civil_defence import split_civil_defence_decide
from licensing.workflow.corrections import split_corrections_confirm
from licensing.workflow.documents import split_licence_document
from licensing.workflow.dues import split_dues_paid
from licensing.workflow.endings import split_cancel, split_deadline_passed
from licensing.workflow.fees import split_fee_set
from licensing.workflow.inspection import split_inspection_book, split_inspection_missed, split_inspection_result
from licensing.workflow.licence import split_fees_paid
from licensing.workflow.lifecycle import SplitWorkflow
from licensing.workflow.submit import SplitData, licence_check, split_apply

__all__ = [
    "SplitData",
    "SplitWorkflow",
    "licence_check",
    "split_apply",
    "split_approval_record",
    "split_cancel",
    "split_civil_defence_decide",
    "split_corrections_confirm",
    "split_deadline_passed",
    "split_dues_paid",
    "split_fee_set",
    "split_fees_paid",
    "split_inspection_book",
    "split_inspection_missed",
    "split_inspection_result",
    "split_licence_document",
]
