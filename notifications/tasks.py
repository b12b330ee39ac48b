"""Celery tasks of notifications: thin wrappers that call one function.

``send_notification`` is defined in :mod:`notifications.sending` beside the function that queues it;
it is imported here so the worker's autodiscovery of ``<app>.tasks`` registers it.
"""

from celery import shared_task

from notifications.recovery import notifications_recover
from notifications.sending import send_notification  # noqa: F401 - registered with the worker through this module


# The name it had in services.tasks: the beat schedule and tasks already queued keep working.
@shared_task(acks_late=False, name="services.tasks.notifications_recover_sweep")
def notifications_recover_sweep() -> dict:
    """Every five minutes (CELERY_BEAT_SCHEDULE): requeue messages whose task was lost, close interrupted ones."""
    return notifications_recover().as_dict()
