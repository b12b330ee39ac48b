"""/metrics (issue 19, operations): Prometheus text for a token or an allowed address, a 404 for anyone else,
and every metric family moving when its action happens."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from notifications.models import Notification
from notifications.outbox import notify
from payments.efawateercom import protocol
from payments.registry import temporary_bill_handler
from payments.testing import efawateercom_test_keys, pay_bill, peer_for_tests, post_signed
from payments.tests.factories import TEST_KIND, BillFactory
from services.deadlines import deadlines_sweep

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    return TOKEN


def scrape(client=None, **extra) -> dict:
    """The samples of one scrape as {(name, sorted labels): value}."""
    response = (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_without_the_token_metrics_is_not_found(metrics_token):
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404  # not a bearer header


def test_no_token_configured_means_no_token_works(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_an_allowed_address_scrapes_without_a_token(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert Client(REMOTE_ADDR="10.20.3.4").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.21.3.4").get("/metrics").status_code == 404


def test_behind_a_proxy_the_client_address_counts_not_the_proxys(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    settings.TRUSTED_PROXIES = ["10.20.0.1"]
    proxy = Client(REMOTE_ADDR="10.20.0.1")
    # The proxy itself is in the allowed network, but the request came from the internet through it.
    assert proxy.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert proxy.get("/metrics", HTTP_X_FORWARDED_FOR="10.20.7.7").status_code == 200


def test_each_family_moves_with_its_action(metrics_token, user, django_capture_on_commit_callbacks):
    before = scrape()
    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None):
        with django_capture_on_commit_callbacks(execute=True):
            bill = BillFactory()
            pay_bill(bill)  # accepted, applied
        with django_capture_on_commit_callbacks(execute=True):
            pay_bill(BillFactory(), amount="1.000")  # stored, queued for staff (amount mismatch)
    with efawateercom_test_keys():
        _guid, raw = peer_for_tests().bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
        post_signed(Client(), protocol.BILL_PULL_PATH, b"<not a message")  # refused
        post_signed(Client(), protocol.BILL_PULL_PATH, raw)  # accepted
        post_signed(Client(), protocol.BILL_PULL_PATH, raw)  # the same GUID again: answered from the row
    with django_capture_on_commit_callbacks(execute=True):
        notify(text="test message {n}", context={"n": 1}, recipient=user, dedupe_key="metrics-test:sms")
    deadlines_sweep()
    Client().get("/healthz/live")
    after = scrape()

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    accepted = {"type": "payment_notification", "result": "accepted"}
    assert moved("portal_efawateercom_messages_total", **accepted) == 2
    assert moved("portal_efawateercom_messages_total", type="bill_pull", result="refused") == 1
    assert moved("portal_efawateercom_messages_total", type="bill_pull", result="accepted") == 1
    assert moved("portal_efawateercom_messages_total", type="bill_pull", result="duplicate") == 1
    assert moved("portal_payments_applied_total", by="notification") == 1
    assert moved("portal_payments_queued_total", reason="amount_mismatch") == 1
    assert moved("portal_sms_queued_total") >= 1
    assert moved("portal_sms_sent_total") >= 1
    assert ("portal_sms_failed_total", ()) in after
    task = {"task": "services.tasks.send_notification", "outcome": "success"}
    assert moved("portal_celery_tasks_total", **task) >= 1
    assert moved("portal_deadline_sweeps_total") == 1
    assert ("portal_deadlines_acted_total", ()) in after
    assert ("portal_deadlines_reminded_total", ()) in after
    latency = {"view": "healthz-live", "method": "GET", "status": "2xx"}
    assert moved("portal_http_request_duration_seconds_count", **latency) == 1
    assert value(after, "portal_sms_outbox_oldest_age_seconds") == 0  # everything was sent


def test_a_failed_sms_is_counted(metrics_token, user, settings, django_capture_on_commit_callbacks, monkeypatch):
    from notifications.backends import OutboxBackend, SmsError

    def refuse(self, **kwargs):
        raise SmsError("gateway refused: invalid number", permanent=True)

    monkeypatch.setattr(OutboxBackend, "send", refuse)
    before = scrape()
    with django_capture_on_commit_callbacks(execute=True):
        notify(text="test message", recipient=user, dedupe_key="metrics-test:sms-failed")
    after = scrape()
    assert value(after, "portal_sms_failed_total") - value(before, "portal_sms_failed_total") == 1


def test_the_outbox_oldest_age_is_read_at_scrape_time(metrics_token, user):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        Notification.objects.create(recipient=user, mobile="+962790000001", text="x", dedupe_key="age:1")
        assert value(scrape(), "portal_sms_outbox_oldest_age_seconds") == 0
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        Notification.objects.create(recipient=user, mobile="+962790000002", text="y", dedupe_key="age:2")
        # Sent and failed messages are not waiting.
        Notification.objects.create(
            recipient=user, mobile="+962790000003", text="z", dedupe_key="age:3", status="sent", sent_at=start
        )
    with time_machine.travel(start + timedelta(minutes=15), tick=False):
        assert value(scrape(), "portal_sms_outbox_oldest_age_seconds") == 15 * 60
        Notification.objects.filter(dedupe_key="age:1").update(status="sent", sent_at=timezone.now())
        assert value(scrape(), "portal_sms_outbox_oldest_age_seconds") == 10 * 60


MULTIPROCESS_CHILD = """
import sys
from core.metrics import SMS_SENT, REQUEST_LATENCY
SMS_SENT.inc(int(sys.argv[1]))
REQUEST_LATENCY.labels(view="home", method="GET", status="2xx").observe(0.1)
"""

MULTIPROCESS_SCRAPE = """
import django
django.setup()
from prometheus_client import generate_latest
from portal.metrics import scrape_registry
sys_out = generate_latest(scrape_registry()).decode()
print(sys_out)
"""


def test_several_worker_processes_add_up_in_multiprocess_mode(tmp_path):
    """Like gunicorn's workers: each process writes its own values; any one scrape adds them up."""
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
    }
    for count in ("2", "3"):
        subprocess.run([sys.executable, "-c", MULTIPROCESS_CHILD, count], env=env, check=True, timeout=60)
    result = subprocess.run(
        [sys.executable, "-c", MULTIPROCESS_SCRAPE], env=env, check=True, timeout=120, capture_output=True, text=True
    )
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(result.stdout)
        for sample in family.samples
    }
    assert samples[("portal_sms_sent_total", ())] == 5
    latency = (("method", "GET"), ("status", "2xx"), ("view", "home"))
    assert samples[("portal_http_request_duration_seconds_count", latency)] == 2
