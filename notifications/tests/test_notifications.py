import base64
import io
import json
import threading
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.tests.factories import UserFactory
from notifications.backends import ConsoleBackend, HttpBackend, SmsError
from notifications.models import Notification
from notifications.outbox import notify
from notifications.recovery import notifications_recover
from notifications.sending import notification_send, send_notification, sms_retry_delay

pytestmark = pytest.mark.django_db

# Built on a msgid Django itself translates, so the language switch shows without our own catalogue.
YES_N = format_lazy("{yes} {{n}}", yes=_("Yes"))


class CountingBackend:
    name = "counting"

    def __init__(self, fail_with=None):
        self.calls = []
        self.fail_with = fail_with

    def send(self, *, mobile, text, reference):
        self.calls.append((mobile, text, reference))
        if self.fail_with:
            raise self.fail_with
        return f"id-{len(self.calls)}"


def test_notify_stores_text_in_recipients_language_and_sends_after_commit(django_capture_on_commit_callbacks):
    ar_user = UserFactory(language="ar")
    en_user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ar = notify(text=YES_N, context={"n": 7}, recipient=ar_user, dedupe_key="t:ar")
        en = notify(text=YES_N, context={"n": 7}, recipient=en_user, dedupe_key="t:en")
    assert len(callbacks) == 2
    ar.refresh_from_db()
    en.refresh_from_db()
    assert ar.text == "نعم 7"
    assert en.text == "Yes 7"
    assert (ar.language, en.language) == ("ar", "en")
    assert ar.mobile == ar_user.mobile
    assert ar.status == en.status == Notification.Status.SENT
    assert ar.attempts == 1
    assert ar.provider_id == f"outbox-n{ar.pk}"
    assert ar.sent_at is not None


def test_nothing_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(text="hello", recipient=UserFactory(), dedupe_key="t:late")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert notification.attempts == 0
    assert len(callbacks) == 1


def test_same_event_key_returns_the_existing_notification_and_sends_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as first:
        one = notify(text="first {x}", context={"x": 1}, recipient=user, dedupe_key="accidents:1:valued")
    with django_capture_on_commit_callbacks(execute=True) as second:
        two = notify(text="second {x}", context={"x": 2}, recipient=user, dedupe_key="accidents:1:valued")
    assert one.pk == two.pk
    assert len(first) == 1
    assert second == []
    assert Notification.objects.get().text == "first 1"


def test_task_running_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification = notify(text="once", recipient=UserFactory(), dedupe_key="t:twice")
    backend = CountingBackend()
    with mock.patch("notifications.sending.get_backend", return_value=backend):
        assert send_notification.apply(args=[notification.pk]).get() == "sent"
        assert send_notification.apply(args=[notification.pk]).get() == "skipped"
    assert len(backend.calls) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1


def test_unverified_mobile_gets_the_inbox_message_but_no_sms(django_capture_on_commit_callbacks):
    user = UserFactory(unverified=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify(text="hi", recipient=user, dedupe_key="t:unverified")
    assert callbacks == []
    assert notification.status == Notification.Status.SKIPPED
    assert notification.mobile == ""
    assert notification.attempts == 0


def test_explicit_mobile_without_recipient_is_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(text="code {c}", context={"c": "123"}, mobile="+962790000001", dedupe_key="t:m")
    notification.refresh_from_db()
    assert notification.recipient is None
    assert notification.text == "code 123"
    assert notification.status == Notification.Status.SENT


def test_http_gateway_receives_sender_number_text_and_credentials(fake_gateway, django_capture_on_commit_callbacks):
    fake_gateway.answers = [(200, json.dumps({"id": "gw-77"}))]
    user = UserFactory(mobile="+962791234567", language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(text=YES_N, context={"n": 1}, recipient=user, dedupe_key="t:http")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.provider_id == "gw-77"
    [request] = fake_gateway.requests
    assert request["form"] == {"from": "GAM", "to": "962791234567", "text": "نعم 1", "reference": f"n{notification.pk}"}
    assert request["authorization"] == "Basic " + base64.b64encode(b"portal:s3cret").decode()


def test_failing_gateway_is_retried_then_marked_failed(fake_gateway, settings, django_capture_on_commit_callbacks):
    settings.SMS_MAX_ATTEMPTS = 4
    fake_gateway.answers = [(503, "busy")]
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(text="x", recipient=UserFactory(), dedupe_key="t:fail")
    assert len(fake_gateway.requests) == 4
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 4
    assert "503" in notification.last_error
    assert notification.sent_at is None


def test_worker_retries_a_failing_gateway_with_growing_backoff(fake_gateway, settings):
    """What a real worker does: each failed run raises Retry(countdown); the broker redelivers later."""
    settings.SMS_MAX_ATTEMPTS = 5
    fake_gateway.answers = [(503, "busy")]
    notification = Notification.objects.create(mobile="+962790000007", text="x", dedupe_key="t:worker")
    delays, result = [], None
    send_notification.push_request(id="worker-run", is_eager=False, retries=0)
    try:
        with mock.patch.object(send_notification, "retry", side_effect=lambda countdown: Retry(when=countdown)):
            for _run in range(10):
                try:
                    result = send_notification.run(notification.pk)
                    break
                except Retry as retry:
                    delays.append(retry.when)
    finally:
        send_notification.pop_request()
    assert delays == [30, 60, 120, 240]
    assert result == "failed"
    assert len(fake_gateway.requests) == 5
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 5)


def test_gateway_recovering_after_failures_sends_exactly_once(fake_gateway, django_capture_on_commit_callbacks):
    fake_gateway.answers = [(500, "oops"), (502, "bad gateway"), (200, json.dumps({"message_id": "ok-3"}))]
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(text="x", recipient=UserFactory(), dedupe_key="t:recover")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 3
    assert notification.provider_id == "ok-3"
    assert len(fake_gateway.requests) == 3


def test_gateway_refusing_the_message_fails_at_once_without_retry(fake_gateway, django_capture_on_commit_callbacks):
    fake_gateway.answers = [(400, json.dumps({"error": "invalid number"}))]
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(text="x", recipient=UserFactory(), dedupe_key="t:refused")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert len(fake_gateway.requests) == 1


def test_unreachable_gateway_is_a_temporary_error():
    opener = mock.Mock()
    opener.open.side_effect = TimeoutError("timed out")
    backend = HttpBackend(url="http://gateway.invalid/send", username="", password="", sender_id="GAM", opener=opener)
    with pytest.raises(SmsError) as info:
        backend.send(mobile="+962790000000", text="x", reference="n1")
    assert info.value.permanent is False
    assert "Authorization" not in opener.open.call_args.args[0].headers


def test_backend_crash_puts_the_message_back_in_the_queue():
    notification = Notification.objects.create(mobile="+962790000009", text="x", dedupe_key="t:crash")
    outcome = notification_send(
        notification_id=notification.pk, backend=CountingBackend(fail_with=RuntimeError("boom"))
    )
    notification.refresh_from_db()
    assert outcome.result == "retry"
    assert outcome.delay == sms_retry_delay(1) == 30
    assert notification.status == Notification.Status.QUEUED
    assert "boom" in notification.last_error


def test_retry_delay_doubles_and_is_capped():
    assert [sms_retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert sms_retry_delay(50) == 3600


def test_console_backend_prints_the_message():
    stream = io.StringIO()
    assert ConsoleBackend(stream=stream).send(mobile="+962790000000", text="مرحبا", reference="n5") == "console-n5"
    assert stream.getvalue() == "[SMS to +962790000000] مرحبا\n"


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_message_send_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    notification = Notification.objects.create(mobile="+962790000008", text="race", dedupe_key="t:race")
    backend = CountingBackend()
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(notification_send(notification_id=notification.pk, backend=backend).result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(backend.calls) == 1


# --- recovery of lost and interrupted messages -----------------------------------------------------

RECOVER_NOW = timezone.make_aware(timezone.datetime(2026, 3, 1, 12, 0))


def _stored_message(key, *, status=Notification.Status.QUEUED, minutes_ago=0, **fields):
    with time_machine.travel(RECOVER_NOW - timedelta(minutes=minutes_ago), tick=False):
        return Notification.objects.create(mobile="+962790000010", text="x", dedupe_key=key, status=status, **fields)


def test_a_message_whose_task_was_lost_is_queued_again_and_sent_once(settings):
    settings.SMS_BACKEND = "outbox"
    lost = _stored_message("t:lost", minutes_ago=30)
    fresh = _stored_message("t:fresh", minutes_ago=2)  # its task is probably still on its way
    with time_machine.travel(RECOVER_NOW, tick=False):
        result = notifications_recover()
        again = notifications_recover()
    assert result.as_dict() == {"requeued": 1, "abandoned": 0}
    assert again.as_dict() == {"requeued": 0, "abandoned": 0}
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, lost.attempts) == (Notification.Status.SENT, 1)
    assert fresh.status == Notification.Status.QUEUED


def test_a_message_waiting_for_its_backoff_is_left_to_its_retry():
    waiting = _stored_message(
        "t:backoff", minutes_ago=40, attempts=5, next_attempt_at=RECOVER_NOW + timedelta(minutes=20)
    )
    overdue = _stored_message(
        "t:overdue", minutes_ago=90, attempts=5, next_attempt_at=RECOVER_NOW - timedelta(minutes=15)
    )
    with mock.patch("notifications.recovery.enqueue") as enqueue, time_machine.travel(RECOVER_NOW, tick=False):
        assert notifications_recover().requeued == 1
    enqueue.assert_called_once_with(overdue.pk)
    waiting.refresh_from_db()
    assert waiting.status == Notification.Status.QUEUED


def test_a_failed_attempt_records_when_the_next_one_is_due(fake_gateway):
    fake_gateway.answers = [(503, "busy")]
    notification = _stored_message("t:due")
    with time_machine.travel(RECOVER_NOW, tick=False):
        outcome = notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert outcome.result == "retry"
    assert notification.last_attempt_at == RECOVER_NOW
    assert notification.next_attempt_at == RECOVER_NOW + timedelta(seconds=outcome.delay)


def test_a_message_interrupted_while_sending_is_marked_failed_not_sent_again(fake_gateway, settings):
    settings.SMS_RESEND_INTERRUPTED = False  # a gateway that does not de-duplicate by reference
    stuck = _stored_message(
        "t:stuck",
        status=Notification.Status.SENDING,
        minutes_ago=30,
        attempts=1,
        last_attempt_at=RECOVER_NOW - timedelta(minutes=30),
    )
    busy = _stored_message(
        "t:busy",
        status=Notification.Status.SENDING,
        minutes_ago=1,
        attempts=1,
        last_attempt_at=RECOVER_NOW - timedelta(seconds=20),
    )
    with time_machine.travel(RECOVER_NOW, tick=False):
        assert notifications_recover().as_dict() == {"requeued": 0, "abandoned": 1}
        # The worker's task delivered again by the broker finds nothing to do.
        assert send_notification.delay(stuck.pk).get() == "skipped"
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == Notification.Status.FAILED
    assert "interrupted" in stuck.last_error
    assert busy.status == Notification.Status.SENDING
    assert fake_gateway.requests == []


def test_the_beat_schedule_runs_the_sweeps_of_the_services_app():
    from portal.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert by_task["services.tasks.deadline_sweep"] == 60.0  # every minute
    assert by_task["services.tasks.notifications_recover_sweep"] <= 600.0
    app.loader.import_default_modules()
    for task in ("services.tasks.deadline_sweep", "services.tasks.notifications_recover_sweep"):
        assert task in app.tasks


def test_a_message_interrupted_while_sending_is_sent_again_under_the_same_reference(fake_gateway):
    # The worker died after claiming it (load/tests/test_faults.py does it with a real worker): the
    # gateway may have it already, so it is resent with the same reference for the gateway to de-duplicate.
    stuck = _stored_message(
        "t:stuck-resend",
        status=Notification.Status.SENDING,
        minutes_ago=30,
        attempts=1,
        last_attempt_at=RECOVER_NOW - timedelta(minutes=30),
    )
    with time_machine.travel(RECOVER_NOW, tick=False):
        assert notifications_recover().as_dict() == {"requeued": 1, "abandoned": 0}
        assert notifications_recover().as_dict() == {"requeued": 0, "abandoned": 0}
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (Notification.Status.SENT, 2)
    assert [r["form"]["reference"] for r in fake_gateway.requests] == [f"n{stuck.pk}"]


def test_an_interrupted_message_with_no_attempts_left_is_marked_failed(fake_gateway):
    stuck = _stored_message(
        "t:stuck-spent",
        status=Notification.Status.SENDING,
        minutes_ago=30,
        attempts=6,
        last_attempt_at=RECOVER_NOW - timedelta(minutes=30),
    )
    with time_machine.travel(RECOVER_NOW, tick=False):
        assert notifications_recover().as_dict() == {"requeued": 0, "abandoned": 1}
    stuck.refresh_from_db()
    assert stuck.status == Notification.Status.FAILED
    assert fake_gateway.requests == []
