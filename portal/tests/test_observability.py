"""Issue 19, operations: the request id in every log line and in the tasks a request enqueues, JSON log
lines that still redact, and Sentry reports with personal data scrubbed (a local envelope server)."""

import gzip
import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
from celery.signals import before_task_publish
from django.test import Client
from django.urls import path

from notifications.sending import send_notification
from payments.registry import temporary_bill_handler
from payments.testing import pay_bill
from payments.tests.factories import TEST_KIND, BillFactory
from portal.observability import (
    TASK_HEADER,
    JsonFormatter,
    RequestIdFilter,
    request_id_var,
    sentry_init,
)


@pytest.fixture
def json_lines(settings):
    """Every record of every logger, as the production handler writes it (JSON formatter + request id filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    json_config = settings.LOGGING["formatters"]["json"]
    handler.setFormatter(JsonFormatter(json_config["format"], rename_fields=json_config["rename_fields"]))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def read():
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield read
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_well_formed_request_id_is_kept_and_answered(db):
    response = Client().get("/healthz/live", HTTP_X_REQUEST_ID="proxy-id-0123456789")
    assert response["X-Request-ID"] == "proxy-id-0123456789"


@pytest.mark.parametrize("incoming", ["", "short", "has space in it", "new\nline-injected-id", "x" * 65])
def test_a_missing_or_malformed_request_id_is_replaced(db, incoming):
    response = Client().get("/healthz/live", HTTP_X_REQUEST_ID=incoming)
    answered = response["X-Request-ID"]
    assert answered != incoming
    assert len(answered) == 32 and int(answered, 16) >= 0


@pytest.mark.django_db(transaction=True)
def test_a_requests_log_lines_and_the_task_it_enqueues_share_the_request_id(json_lines, user):
    """A payment notification pays a bill, whose SMS task (eager here) runs for the same request."""
    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None):
        bill = BillFactory(payer=user)
        client = Client(HTTP_X_REQUEST_ID="req-follow-me-0001")
        pay_bill(bill, client=client)
    lines = [line for line in json_lines() if line.get("request_id") == "req-follow-me-0001"]
    loggers = {line["logger"] for line in lines}
    assert "portal.request" in loggers, lines
    task_lines = [line for line in lines if "services.tasks.send_notification" in line["message"]]
    assert task_lines, "the SMS task's line carries the request's id"
    # Outside the request nothing is left behind.
    assert request_id_var.get() is None


@pytest.mark.django_db
def test_a_published_task_carries_the_request_id_into_the_worker(json_lines, user, settings):
    """The broker path: the id travels in the message's headers and is set again for the task's run."""
    from portal.celery import app

    published = []

    def capture(headers=None, **kwargs):
        published.append(dict(headers))

    before_task_publish.connect(capture, weak=False)
    app.conf.task_always_eager = False
    token = request_id_var.set("req-into-worker-02")
    try:
        send_notification.apply_async(args=[0])  # to the in-memory broker
    finally:
        request_id_var.reset(token)
        app.conf.task_always_eager = True
        before_task_publish.disconnect(capture)
    assert published[-1][TASK_HEADER] == "req-into-worker-02"
    # The worker's side: the task runs with the message's headers, outside any request.
    assert request_id_var.get() is None
    send_notification.apply(args=[0], headers=published[-1])
    assert request_id_var.get() is None, "cleared after the task"
    lines = [line for line in json_lines() if "services.tasks.send_notification" in line["message"]]
    assert lines[-1]["request_id"] == "req-into-worker-02"


def test_json_lines_parse_and_still_redact(json_lines):
    log = logging.getLogger("portal.tests.json")
    log.warning("sign-in failed password=hunter2hunter2 token: abcdef123456 for %s", "someone\nFAKE LINE")
    (line,) = [line for line in json_lines() if line["logger"] == "portal.tests.json"]
    assert "hunter2" not in line["message"] and "abcdef123456" not in line["message"]
    assert "password=***" in line["message"]
    assert "\n" not in line["message"] and "\\n" in line["message"]
    assert line["request_id"] == "-"
    assert line["level"] == "WARNING" and "time" in line


def test_the_production_logging_config_writes_json_with_the_request_id(settings):
    """settings.LOGGING with LOG_FORMAT=json: the handler's formatter and filter are the ones tested above."""
    import logging.config

    from portal import settings as portal_settings

    config = portal_settings.LOGGING
    assert config["handlers"]["console"]["filters"] == ["request_id"]
    assert config["formatters"]["json"]["()"] == "portal.observability.JsonFormatter"
    stream = io.StringIO()
    config = {
        **config,
        "handlers": {"console": {**config["handlers"]["console"], "formatter": "json", "stream": stream}},
    }
    logging.config.dictConfig(config)
    try:
        token = request_id_var.set("req-config-000003")
        logging.getLogger("portal.tests.config").warning("secret=s3cr3tvalue here")
        request_id_var.reset(token)
        record = json.loads(stream.getvalue().splitlines()[-1])
        assert record["request_id"] == "req-config-000003"
        assert record["level"] == "WARNING" and record["logger"] == "portal.tests.config"
        assert "s3cr3tvalue" not in record["message"]
    finally:
        logging.config.dictConfig(portal_settings.LOGGING)


# --- Sentry ----------------------------------------------------------------------------------------------
NATIONAL_ID = "9861012345"
MOBILE = "0791234567"
EMAIL = "person@example.jo"


def _crash(request):
    raise ValueError(f"lookup failed for national number {NATIONAL_ID}, mobile {MOBILE}, e-mail {EMAIL}")


urlpatterns = [path("crash/", _crash)]


class _EnvelopeHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    """A tiny Sentry stand-in on 127.0.0.1 that records the envelopes it receives: never the network."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EnvelopeHandler)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sentry(sentry_server):
    import sentry_sdk

    host, port = sentry_server.server_address
    sentry_init(dsn=f"http://publickey@{host}:{port}/1", environment="test", release="portal@test")
    yield sentry_server
    sentry_sdk.flush(timeout=5)
    sentry_sdk.init(dsn=None)


@pytest.mark.django_db
def test_an_error_in_a_view_reaches_sentry_without_personal_data(sentry, settings):
    import sentry_sdk

    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "session-cookie-value-123"
    response = client.post(
        f"/crash/?mobile={MOBILE}",
        data={"national_id": NATIONAL_ID, "email": EMAIL},
        HTTP_X_REQUEST_ID="req-sentry-000004",
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)
    assert sentry.envelopes, "the error report arrived"
    sent = b"\n".join(sentry.envelopes).decode()
    assert "ValueError" in sent and "lookup failed" in sent
    for secret in (NATIONAL_ID, MOBILE, EMAIL, "session-cookie-value-123", "sessionid"):
        assert secret not in sent, secret
    events = [json.loads(line) for envelope in sentry.envelopes for line in envelope.splitlines()[2:3]]
    event = next(event for event in events if "exception" in event)
    assert event["environment"] == "test" and event["release"] == "portal@test"


def test_a_cache_or_redis_breadcrumb_keeps_its_command_but_not_its_key():
    """With sessions read from the cache, a Redis breadcrumb named the session's key (a credential): found by
    the Sentry test above when run against Redis. The command stays, the key and its data go."""
    from portal.observability import sentry_before_breadcrumb

    crumb = {
        "category": "redis",
        "type": "redis",
        "message": "GET 'ci:1:django.contrib.sessions.cached_dbsession-key-abc'",
        "data": {"redis.key": "ci:1:django.contrib.sessions.cached_dbsession-key-abc"},
    }
    kept = sentry_before_breadcrumb(crumb)
    assert kept["message"] == "GET ***" and "data" not in kept
    query = {"category": "query", "message": "SELECT 1"}
    assert sentry_before_breadcrumb(dict(query)) == query


def test_weasyprints_progress_lines_stay_out_of_the_log():
    """Each PDF would add eight "Step n - …" lines at INFO to the portal's log (one per layout step)."""
    import logging

    assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
    assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)  # its warnings (a missing glyph) stay
