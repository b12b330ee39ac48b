"""Celery tasks of the contractor permit renewal: take ids, reload, exit early if done, call one workflow function."""

from celery import shared_task

from contractors.models import RenewalRequest
from contractors.workflow.documents import renewal_permit_issue


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=3600, max_retries=8, acks_late=True)
def renewed_permit_issue(renewal_id: int, payment_id: int | None = None) -> str:
    """Issue the renewed permit after the payment has committed (a slow or failing render must never
    hold up, or roll back, the payment); the SMS with its verification code follows the document."""
    renewal = RenewalRequest.objects.filter(pk=renewal_id).first()
    if renewal is None:
        return ""
    document = renewal.renewed_permit() or renewal_permit_issue(renewal_id=renewal_id, payment_id=payment_id)
    return document.code if document else ""
