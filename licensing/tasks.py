"""Celery tasks of the licence splitting service: reload by id, call one workflow function, retry on failure."""

from celery import shared_task

from licensing.workflow.documents import split_licence_document


# The name is the one queued tasks carry (this task has always lived here); retries back off as the
# hand-written loop did: 60 s, doubling, at most an hour apart, 8 times.
@shared_task(
    name="licensing.tasks.licence_document_issue",
    acks_late=True,
    autoretry_for=(Exception,),
    max_retries=8,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=False,
)
def licence_document_issue(application_id: int) -> str:
    """Issue the new licence's PDF after the payment has committed (rendering must never roll it back).

    Does nothing when the licence already has its document (``split_licence_document`` checks)."""
    document = split_licence_document(application_id=application_id)
    return document.code if document else ""
