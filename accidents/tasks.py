"""Celery tasks of the accident claim service: reload by id, call one workflow function, retry on failure."""

from celery import shared_task

from accidents.workflow.documents import claim_certificate_issue


# Any failure is retried (rendering the PDF or storing it can fail for many passing reasons): a minute,
# then doubling up to an hour, 8 times. The name is what queued messages in Redis carry: keep it.
@shared_task(
    name="accidents.tasks.release_certificate_issue",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=False,
    max_retries=8,
)
def release_certificate_issue(claim_id: int) -> str:
    """Issue the release certificate after the release has committed (rendering a PDF must never hold up,
    or roll back, the payment that released the claim). Does nothing when the claim already has one."""
    document = claim_certificate_issue(claim_id=claim_id)
    return document.code if document else ""
