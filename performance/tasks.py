"""Celery tasks of the performance app: thin wrappers that call one function."""

from celery import shared_task

from performance.rollups import rebuild


@shared_task(acks_late=False)
def rollups_rebuild() -> dict:
    """Nightly (CELERY_BEAT_SCHEDULE): recompute the rollups the figures read and correct any row that is
    wrong (none, when every closing was counted), and seal yesterday's started and submitted counts."""
    return rebuild()
