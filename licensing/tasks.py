"""Celery tasks of the licence splitting service: reload by id, call one workflow function, retry on failure."""

from celery import shared_task


@shared_task(bind=True, max_retries=8, acks_late=True)
def licence_document_issue(self, application_id: int) -> str:
    """Issue the new licence's PDF after the payment has committed (rendering must never roll it back)."""
    from licensing.workflow import split_licence_document

    try:
        document = split_licence_document(application_id=application_id)
    except Exception as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc
    return document.code if document else ""
