"""The portal's Prometheus metric families (issue 19, operations), in one list every app may count into.

Defined here, at the bottom of the layers, so that notifications, services and payments count where the
thing happens without importing the project (portal). ``/metrics`` (``portal.metrics``) exposes them with
the request latency and the outbox's oldest age; README "Operating the portal" says what each one means.

prometheus-client picks its storage when it is imported: with ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn
with several workers, a prefork Celery worker) every process writes its values to files in that folder and
the scrape adds them up; without it, one process's registry. Label values are closed sets (never a
person's data, never a free-text error).
"""

import os

from prometheus_client import Counter, Histogram

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Every process of the image (web, worker, beat, manage.py) may import this; the folder must exist.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# Request latency, per view (the resolver's view name: namespace:url-name, never the path itself).
REQUEST_LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by view, method and status class.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

# eFAWATEERcom: every message by type (bill_pull, payment_notification) and what became of it.
EFAWATEERCOM_MESSAGES = Counter(
    "portal_efawateercom_messages",
    "eFAWATEERcom requests by type and result (accepted, duplicate, refused, error).",
    ["type", "result"],
)
EFAWATEERCOM_RESULTS = ("accepted", "duplicate", "refused", "error")

# Payments: applied to their bill (automatically or by staff), or stored and queued for finance staff.
# by: notification or settlement (applied on arrival), staff (a queued payment applied from the finance queue).
PAYMENTS_APPLIED = Counter("portal_payments_applied", "Payments applied to their bill.", ["by"])
PAYMENTS_QUEUED = Counter("portal_payments_queued", "Payments stored unapplied and queued for staff.", ["reason"])

# SMS: queued (a row to send), then sent, or finally failed; a retry is counted as an attempt that failed.
SMS_QUEUED = Counter("portal_sms_queued", "SMS messages stored and queued for sending.")
SMS_SENT = Counter("portal_sms_sent", "SMS messages the gateway accepted.")
SMS_FAILED = Counter("portal_sms_failed", "SMS messages given up on (a permanent refusal or the last attempt).")
SMS_ATTEMPTS_FAILED = Counter("portal_sms_attempts_failed", "SMS attempts that failed (retried or final).")

# Celery task outcomes, counted in the process that ran the task (the worker; eager mode: the web process).
CELERY_TASKS = Counter("portal_celery_tasks", "Celery task outcomes by task name.", ["task", "outcome"])

# Deadline sweeps (services.deadlines): runs, applications acted on, reminders sent.
DEADLINE_SWEEPS = Counter("portal_deadline_sweeps", "Deadline sweep runs.")
DEADLINES_ACTED = Counter("portal_deadlines_acted", "Applications moved because their deadline passed.")
DEADLINES_REMINDED = Counter("portal_deadlines_reminded", "Deadline reminders sent.")
