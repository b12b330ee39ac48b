"""Celery tasks of the payments app: thin wrappers around ``payments.services``."""

from celery import shared_task

from payments.services import bills_expire


@shared_task(acks_late=False)
def bills_expire_sweep() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): mark open bills past their expiry as expired.
    Bill pull already refuses them on time; this keeps the status people see and filter on true."""
    return bills_expire()
