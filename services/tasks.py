"""Celery tasks of the services app: thin wrappers that reload rows by id and call one function."""

from celery import shared_task

from services.notifications import notification_send


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_notification(self, notification_id: int) -> str:
    """Send one stored notification; retries with backoff until sent or finally failed, never twice."""
    outcome = notification_send(notification_id=notification_id)
    # Eager mode (`make run`, tests) has no broker to hold a retry for later; Celery would re-raise the
    # Retry to the caller, so the attempts run back to back instead (the attempt limit still applies).
    while outcome.result == "retry" and self.request.is_eager:
        outcome = notification_send(notification_id=notification_id)
    if outcome.result == "retry":
        raise self.retry(countdown=outcome.delay)
    return outcome.result


@shared_task(acks_late=False)
def deadline_sweep() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): act once on passed deadlines, remind before them.

    Not acks_late: a sweep lost with its worker is simply the next minute's sweep.
    """
    from services.deadlines import deadlines_sweep

    return deadlines_sweep().as_dict()


@shared_task(acks_late=False)
def notifications_recover_sweep() -> dict:
    """Every five minutes (CELERY_BEAT_SCHEDULE): requeue messages whose task was lost, close interrupted ones."""
    from services.notifications import notifications_recover

    return notifications_recover().as_dict()
