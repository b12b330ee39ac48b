"""Celery tasks of the services app: thin wrappers that call one function."""

from celery import shared_task

from services.deadlines import deadlines_sweep


@shared_task(acks_late=False)
def deadline_sweep() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): act once on passed deadlines, remind before them.

    Not acks_late: a sweep lost with its worker is simply the next minute's sweep.
    """
    return deadlines_sweep().as_dict()
