import gc
import os

from celery import Celery
from celery.signals import worker_init, worker_process_init, worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze_loaded_objects(**kwargs):
    """As in portal/wsgi.py: the worker's loaded project is not walked by every full collection."""
    gc.freeze()


@worker_init.connect
def _worker_metrics_server(**kwargs):
    """The worker's own /metrics on METRICS_WORKER_PORT (README "Operating the portal"): started in the main
    process; with PROMETHEUS_MULTIPROC_DIR set, the prefork children's counts are read from that folder,
    which is emptied here first (one folder per worker container)."""
    from django.conf import settings

    from portal.metrics import start_worker_metrics_server
    from portal.multiproc import empty_multiproc_dir

    empty_multiproc_dir()
    if settings.METRICS_WORKER_PORT:
        start_worker_metrics_server(settings.METRICS_WORKER_PORT, settings.METRICS_WORKER_ADDR)


@worker_process_shutdown.connect
def _worker_process_dead(pid=None, **kwargs):
    """A prefork child that ends: its live gauges are dropped, its counters kept (prometheus-client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
