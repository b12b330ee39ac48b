"""/metrics for Prometheus (issue 19, operations): the families of ``core.metrics`` plus the request
latency (:class:`RequestMetricsMiddleware`), the SMS outbox's oldest queued age (:class:`OutboxAgeCollector`,
read from the database at scrape time) and Celery task outcomes (:func:`connect_celery_signals`).

Not public: a scrape needs ``Authorization: Bearer <METRICS_TOKEN>`` (or ``METRICS_TOKEN_FILE``) or must come
from an address in ``METRICS_ALLOWED_IPS`` (CIDRs, read as ``core.ratelimit.client_ip`` reads the client
behind the trusted proxies). Anyone else gets the portal's ordinary 404: the address is not disclosed.

Several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set, every worker writes its values to files
there and a scrape (served by any worker) adds them up (prometheus-client's multiprocess mode; the gunicorn
config ``portal/gunicorn_config.py`` empties the folder at start and marks dead workers). Unset: the one
process's own registry (``make run``, tests).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core.metrics import CELERY_TASKS, REQUEST_LATENCY
from core.ratelimit import client_ip

logger = logging.getLogger(__name__)
request_log = logging.getLogger("portal.request")

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


# --- Who may scrape -----------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _allowed_networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def scrape_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if (
        token
        and header.startswith("Bearer ")
        and hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode())
    ):
        return True
    networks = _allowed_networks(tuple(settings.METRICS_ALLOWED_IPS))
    if networks:
        address = client_ip(request)
        if address is not None:
            parsed = ipaddress.ip_address(address)
            return any(parsed in network for network in networks)
    return False


# --- The outbox's oldest queued message, computed at scrape time --------------------------------
class OutboxAgeCollector:
    """``portal_sms_outbox_oldest_age_seconds``: how long the oldest queued SMS has waited (0: none waits).

    One indexed read (notif_unfinished: status, created_at, partial on queued/sending). Above ten minutes
    the gateway or the workers are down (README "Operating the portal")."""

    def describe(self):
        return [GaugeMetricFamily("portal_sms_outbox_oldest_age_seconds", "Age of the oldest queued SMS.")]

    def collect(self):
        from notifications.models import Notification

        family = GaugeMetricFamily(
            "portal_sms_outbox_oldest_age_seconds", "Age of the oldest queued SMS (0 when none is queued)."
        )
        try:
            oldest = (
                Notification.objects.filter(status=Notification.Status.QUEUED)
                .order_by("created_at")
                .values_list("created_at", flat=True)
                .first()
            )
        except Exception as exc:  # the database is down: readiness says so; the scrape still answers
            logger.warning("metrics: outbox age unavailable: %s", exc)
            return
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        family.add_metric([], max(age, 0.0))
        yield family


_OUTBOX_AGE = OutboxAgeCollector()


def scrape_registry() -> CollectorRegistry:
    """What one scrape shows: every process's values (multiprocess mode) or this process's, plus the outbox."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_OUTBOX_AGE)
        return registry
    return REGISTRY


if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    REGISTRY.register(_OUTBOX_AGE)  # once: this module is imported once per process


@never_cache
@require_GET
def metrics(request):
    if not scrape_allowed(request):
        raise Http404
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)


# --- Request latency ----------------------------------------------------------------------------
def view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return match.view_name or "<unnamed>"


class RequestMetricsMiddleware:
    """Times every request (outermost but the request id): ``portal_http_request_duration_seconds`` by view,
    method and status class, and one log line ``portal.request`` per request (view, status, duration; no path,
    no query: they may carry personal numbers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        status = f"{response.status_code // 100}xx"
        REQUEST_LATENCY.labels(view=view, method=method, status=status).observe(elapsed)
        request_log.info(
            "%s %s %s %.1f ms",
            method,
            view,
            response.status_code,
            elapsed * 1000,
            extra={"view": view, "method": method, "status": response.status_code, "duration_ms": elapsed * 1000},
        )
        return response


# --- Celery --------------------------------------------------------------------------------------
def _task_name(sender=None, task=None, **kwargs) -> str:
    task = task or sender
    return getattr(task, "name", None) or str(task or "?")


def _on_success(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_task_name(sender), outcome="success").inc()


def _on_failure(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_task_name(sender), outcome="failure").inc()


def _on_retry(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_task_name(sender), outcome="retry").inc()


def connect_celery_signals() -> None:
    """Count task outcomes in the process that runs them (portal/celery.py connects this once)."""
    from celery.signals import task_failure, task_retry, task_success

    task_success.connect(_on_success, weak=False, dispatch_uid="portal.metrics.success")
    task_failure.connect(_on_failure, weak=False, dispatch_uid="portal.metrics.failure")
    task_retry.connect(_on_retry, weak=False, dispatch_uid="portal.metrics.retry")


def start_worker_metrics_server(port: int, addr: str) -> None:
    """The Celery worker's own /metrics on ``METRICS_WORKER_PORT`` (prometheus-client's HTTP server, in the
    worker's main process). Prefork children count into ``PROMETHEUS_MULTIPROC_DIR`` files, which this server
    adds up; with no folder set (the solo or threads pool) it serves the process's own registry. It has no
    token: bind it to the internal network only, never publish the port."""
    from prometheus_client import start_http_server

    multiproc = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if multiproc:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    start_http_server(port, addr=addr, registry=registry)
    logger.info("Celery worker metrics on %s:%s (multiprocess: %s)", addr, port, bool(multiproc))
