"""Every write of the accident claim service (seed 002), one module per stage of the card's steps.

Views, the admin, the payment hook and Celery call these functions only. Each status move goes
through ``services.workflow.application_transition`` (allowed-moves map, event, SMS after commit).

    submit.py      step 4: the claim with the police sketch
    valuation.py   steps 5-7: damage valued item by item, then the insurance check
    payment.py     steps 6-8, 11: the damage bill, the choice of how to pay, the paid-bill hook
    letter.py      steps 9-10: the insurer's approval letter, uploaded then reviewed
    release.py     step 11: the release (enqueues the certificate after the commit)
    documents.py   step 11: the release certificate (run by the Celery task)
    cancel.py      cancellation by staff or by the 3-day deadlines
    lifecycle.py   ClaimWorkflow, registered in ``AccidentsConfig.ready``
"""

from accidents.constants import InsuranceState
from accidents.workflow.cancel import claim_cancel, claim_deadline_passed
from accidents.workflow.documents import claim_certificate_issue
from accidents.workflow.letter import claim_letter_decide, claim_letter_upload
from accidents.workflow.lifecycle import ClaimWorkflow
from accidents.workflow.payment import claim_bill_paid, claim_payment_choose
from accidents.workflow.submit import ClaimData, claim_submit
from accidents.workflow.valuation import ValuationLine, claim_insurance_check, claim_value

__all__ = [
    "ClaimData",
    "ClaimWorkflow",
    "InsuranceState",
    "ValuationLine",
    "claim_bill_paid",
    "claim_cancel",
    "claim_certificate_issue",
    "claim_deadline_passed",
    "claim_insurance_check",
    "claim_letter_decide",
    "claim_letter_upload",
    "claim_payment_choose",
    "claim_submit",
    "claim_value",
]
