"""gunicorn's configuration for the portal (the Dockerfile's CMD and `make load` use it: ``-c portal/gunicorn_config.py``).

Command-line flags still win over these (e.g. ``--bind``, ``--workers``). Environment: ``GUNICORN_WORKERS``
(default 3), ``GUNICORN_THREADS`` (default 4 per worker), ``GUNICORN_WORKER_CLASS`` (default ``gthread``),
``GUNICORN_TIMEOUT`` (60), ``GUNICORN_ACCESS_LOG`` (``-`` for stdout; off by default: the
portal writes one line per request itself, with its request id, portal.metrics), and
``PROMETHEUS_MULTIPROC_DIR`` for /metrics across the workers (README "Operating the portal").
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # the container's port, behind the proxy
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Threads, not only processes (issue 20): a sync worker sits idle while PostgreSQL syncs a commit to disk
# (every eFAWATEERcom message is stored durably before it is answered), so 3 sync workers left the CPUs
# idle under 16 clients. With gthread, another request of the same worker runs meanwhile. Each thread keeps
# its own database connection (CONN_MAX_AGE): workers x threads connections per node.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# The reverse proxy sets X-Forwarded-Proto; the portal reads X-Forwarded-For itself (TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# The access log, when on, names the request id the portal answered with (X-Request-ID).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


def on_starting(server):
    """Before any worker starts: the values a previous run left in PROMETHEUS_MULTIPROC_DIR are removed."""
    from portal.multiproc import empty_multiproc_dir

    empty_multiproc_dir()


def child_exit(server, worker):
    """A worker that ended (restarted, killed): prometheus-client drops its live gauges, keeps its counts."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Once the worker has loaded the portal: the objects made while loading it (modules, URL patterns,
    templates, translations: about 200,000) are frozen out of the garbage collector's reach, so that a
    full collection during a request no longer walks them all (issue 20). They live as long as the worker."""
    import gc

    gc.collect()
    gc.freeze()
