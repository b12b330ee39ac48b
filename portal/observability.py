"""Following one request through the logs and into its Celery tasks; error reports to Sentry (issue 19).

- The request id: taken from an incoming ``X-Request-ID`` when it is well-formed (8 to 64 letters, digits,
  ``-``, ``_``, ``.``), otherwise a new uuid4 hex; kept in a context variable for the request, answered in
  the ``X-Request-ID`` response header, and put in the headers of every Celery task the request enqueues
  (``before_task_publish``), where the worker sets it again for the task's run (``task_prerun`` /
  ``task_postrun``; in eager mode the task runs inside the request and keeps it).
- :class:`RequestIdFilter` writes it on every log record (``%(request_id)s``; ``-`` outside a request or task).
- :class:`JsonFormatter`: one JSON object per line (python-json-logger) when ``LOG_FORMAT=json``, its
  message passed through ``portal.logsafe`` like the plain format's.
- :func:`sentry_init`: Sentry when ``SENTRY_DSN`` is set, with :func:`sentry_before_send` scrubbing
  personal data (national, personal and mobile numbers, e-mail addresses, secrets, cookies, request bodies).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from portal.logsafe import REDACTED, redact, sanitise

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header that carries it (a custom header: the worker reads it as task.request.<name>).
TASK_HEADER = "portal_request_id"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("portal_request_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def request_id_from(value: str | None) -> str:
    """The incoming id if it is well-formed (a proxy's or a client's), else a fresh one."""
    if value and _WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log line of the request, and every task it enqueues, carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record that passes the handler (never drops one)."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter whose message (and exception text) go through ``portal.logsafe``:
    secrets redacted, control characters escaped (json.dumps would escape them anyway; the redaction is the
    point). Every other text field (the traceback, extra fields) is redacted too."""

    def process_log_record(self, log_data):
        for key, value in log_data.items():
            if isinstance(value, str):
                log_data[key] = sanitise(value) if key == "message" else redact(value)
        return super().process_log_record(log_data)


# --- Celery: the request id into the task's headers, and back out in the worker --------------------------
_task_tokens: dict[str, contextvars.Token] = {}


def _before_task_publish(headers=None, **kwargs):
    request_id = request_id_var.get()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def _task_prerun(task_id=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    # A worker makes the message's headers attributes of task.request; Task.apply(headers=...) keeps them apart.
    request_id = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    if request_id is None:
        # Eager mode: no message was published; the task runs inside the request and keeps its id.
        request_id = request_id_var.get()
    if task_id:
        _task_tokens[task_id] = request_id_var.set(request_id)


def _task_postrun(task_id=None, task=None, state=None, **kwargs):
    # Logged while the task's request id is still set, then the id is restored.
    logger.info("Celery task %s[%s] finished: %s", getattr(task, "name", "?"), task_id, state)
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:
            request_id_var.set(None)


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_before_task_publish, weak=False, dispatch_uid="portal.observability.publish")
    task_prerun.connect(_task_prerun, weak=False, dispatch_uid="portal.observability.prerun")
    task_postrun.connect(_task_postrun, weak=False, dispatch_uid="portal.observability.postrun")


# --- Sentry ------------------------------------------------------------------------------------------------
# Personal data that may appear in an exception message, a local variable or a breadcrumb: Jordanian
# national numbers (10 digits), personal numbers and other long digit runs, mobile numbers in any writing
# (07xxxxxxxx, +962 7x, 9627x...), e-mail addresses. Digits of any script (\d is Unicode).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(?:\+|00)?(?:962[\s-]?)?0?7[\s-]?\d(?:[\s-]?\d){7}(?!\w)")
_LONG_NUMBER = re.compile(r"(?<!\w)\d{8,}(?!\w)")
# Values under these keys are dropped whole, wherever they are (extra data, breadcrumbs, contexts).
_SENSITIVE_KEYS = re.compile(
    r"(?i)(passw|secret|token|api_?key|authorization|cookie|sessionid|csrf|otp|national|personal_number|"
    r"mobile|phone|e_?mail|full_name|first_name|last_name|payer|address|signature)"
)
# Sentry's own bookkeeping at the top of an event: left as they are.
_EVENT_KEYS_KEPT = {"event_id", "timestamp", "start_timestamp", "release", "environment", "platform", "sdk", "level"}


def scrub_text(text: str) -> str:
    text = redact(text)
    text = _EMAIL.sub(REDACTED, text)
    text = _PHONE.sub(REDACTED, text)
    return _LONG_NUMBER.sub(REDACTED, text)


def _scrub(value, depth: int = 0):
    if depth > 12:
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and _SENSITIVE_KEYS.search(key) and not isinstance(value[key], dict | list)
            else _scrub(value[key], depth + 1)
            for key in value
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, depth + 1) for item in value]
    return value


def sentry_before_send(event, hint=None):
    """Nothing personal leaves the portal: no cookies, no request body, no query string, no user, and every
    string left is scrubbed of numbers, mobiles, e-mail addresses and secrets."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        request.pop("query_string", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                key: value
                for key, value in headers.items()
                if key.lower() not in {"cookie", "authorization", "x-csrftoken", "x-forwarded-for", "x-real-ip"}
            }
        request.pop("env", None)
    event.pop("user", None)
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else None
    if isinstance(values, list):
        breadcrumbs["values"] = [sentry_before_breadcrumb(c) if isinstance(c, dict) else c for c in values]
    return {key: value if key in _EVENT_KEYS_KEPT else _scrub(value) for key, value in event.items()}


# Breadcrumbs that name a cache or Redis key: the key can be a credential (a session's key is part of its
# cache key with cached_db sessions) or name a person; the command is kept, the key is not.
_KEYED_BREADCRUMBS = {"redis", "cache"}


def sentry_before_breadcrumb(crumb, hint=None):
    if crumb.get("category") in _KEYED_BREADCRUMBS or crumb.get("type") in _KEYED_BREADCRUMBS:
        command = str(crumb.get("message") or "").split(" ", 1)[0]
        crumb["message"] = f"{command} {REDACTED}".strip()
        crumb.pop("data", None)
    return crumb


def sentry_init(*, dsn: str, environment: str = "", release: str = "", traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No personal data (the user, cookies, headers, the address): the SDK's default. Its switch
        # send_default_pii is deprecated in the pinned sentry-sdk (2.76: a warning whenever it is given) for
        # data_collection; left unset, both keep that default and the event scrubber stays on.
        # Local variables of the frames could hold anything a person typed: not sent at all.
        include_local_variables=False,
        max_request_body_size="never",
        before_send=sentry_before_send,
        before_send_transaction=sentry_before_send,
        before_breadcrumb=sentry_before_breadcrumb,
        environment=environment or None,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
    )
