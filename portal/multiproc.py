"""The prometheus-client multiprocess folder, without Django or the metrics themselves: gunicorn's master reads
this through its config file before the application is loaded (portal/gunicorn_config.py), and the Celery
worker's main process at start (portal.celery)."""

import os


def empty_multiproc_dir() -> None:
    """At a server's start: the values of a previous run are removed from ``PROMETHEUS_MULTIPROC_DIR``, as
    prometheus-client asks (one folder per server)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for entry in os.scandir(folder):
        if entry.is_file() and entry.name.endswith(".db"):
            os.unlink(entry.path)
