from celery import shared_task

from portal.retention import retention_purge


@shared_task(name="portal.tasks.retention_purge", acks_late=True)
def retention_purge_task():
    """Daily (CELERY_BEAT_SCHEDULE "retention-purge"); idempotent, so a rerun after a crash is harmless."""
    result = retention_purge()
    return {"codes": result.codes, "uploads": result.uploads}
