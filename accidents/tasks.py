"""Celery tasks of the accident claim service: reload by id, call one workflow function, retry on failure."""

from celery import shared_task


@shared_task(bind=True, max_retries=8, acks_late=True)
def release_certificate_issue(self, claim_id: int) -> str:
    """Issue the release certificate after the release has committed (rendering a PDF must never hold up,
    or roll back, the payment that released the claim)."""
    from accidents.workflow import claim_certificate_issue

    try:
        document = claim_certificate_issue(claim_id=claim_id)
    except Exception as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc
    return document.code if document else ""
