"""Celery tasks of the services app: thin wrappers that call one function."""

from celery import shared_task

from services.deadlines import deadlines_sweep


@shared_task(acks_late=False)
def deadline_sweep() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): act once on passed deadlines, remind before them.

    Not acks_late: a sweep lost with its worker is simply the next minute's sweep.
    """
    return deadlines_sweep().as_dict()


@shared_task(acks_late=False)
def private_files_orphans_sweep() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): delete private files no row points at, a day after they were written
    (an upload interrupted between the object and its row: services.privatefiles)."""
    from services.privatefiles import orphans_sweep

    return orphans_sweep().as_dict()
