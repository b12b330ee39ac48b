import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from notifications.models import Notification
from services.deadlines import deadlines_sweep
from services.models import ApplicationEvent, ApplicationReminder
from services.tasks import deadline_sweep
from services.tests.demo_workflow import DemoStatus
from services.tests.factories_applications import DemoApplicationFactory
from services.workflow import Deadline, application_transition

NOW = timezone.make_aware(timezone.datetime(2026, 3, 1, 10, 0))
DUE = NOW + timedelta(days=3)
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (select_for_update/skip_locked) need PostgreSQL"
)


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "outbox"


def _awaiting_payment(user):
    with time_machine.travel(NOW, tick=False):
        return DemoApplicationFactory(awaiting_payment=True, applicant=user)


def _cancel_events(application):
    return ApplicationEvent.objects.filter(application=application, to_status=DemoStatus.CANCELLED)


# --- firing -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_happens_before_the_deadline(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    with time_machine.travel(DUE - timedelta(seconds=1), tick=False):
        assert deadlines_sweep().fired == 0
    application.refresh_from_db()
    assert application.status == DemoStatus.AWAITING_PAYMENT


@pytest.mark.django_db
def test_a_passed_deadline_moves_the_application_once_with_a_system_event_and_sms(
    demo_workflow, user, outbox, django_capture_on_commit_callbacks
):
    application = _awaiting_payment(user)
    with time_machine.travel(DUE + timedelta(seconds=30), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert deadline_sweep.delay().get() == {"fired": 1, "reminded": 0}
        assert deadlines_sweep().fired == 0
    application.refresh_from_db()
    assert application.status == DemoStatus.CANCELLED
    assert application.deadline_at is None
    assert application.closed_at == DUE + timedelta(seconds=30)
    (event,) = _cancel_events(application)
    assert (event.actor, event.actor_kind, event.reason) == (None, "system", "Not paid within 3 days")
    (sms,) = Notification.objects.filter(application=application)
    assert sms.recipient == user
    assert application.reference in sms.text
    assert sms.status == Notification.Status.SENT


@pytest.mark.django_db
def test_the_workflow_hook_runs_after_the_move(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    with time_machine.travel(DUE, tick=False):
        deadlines_sweep()
    assert demo_workflow.hook_calls == [(application.pk, DemoStatus.CANCELLED)]


@pytest.mark.django_db
def test_a_failing_hook_rolls_back_its_application_only(demo_workflow, user, outbox, monkeypatch):
    first, second = _awaiting_payment(user), _awaiting_payment(user)

    def hook(application):
        if application.pk == first.pk:
            raise RuntimeError("the bill could not be closed")

    monkeypatch.setattr(demo_workflow, "on_deadline", hook)
    with time_machine.travel(DUE, tick=False):
        assert deadlines_sweep().fired == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DemoStatus.AWAITING_PAYMENT and first.deadline_at == DUE
    assert second.status == DemoStatus.CANCELLED
    assert not Notification.objects.filter(application=first).exists()


@pytest.mark.django_db
def test_a_payment_at_the_boundary_wins_over_the_cancellation(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    # The payment lands after the deadline instant but before the sweep gets to it.
    with time_machine.travel(DUE + timedelta(seconds=20), tick=False):
        application_transition(application=application, to_status=DemoStatus.PAID, actor=user)
        assert deadlines_sweep().fired == 0
    application.refresh_from_db()
    assert application.status == DemoStatus.PAID
    assert not _cancel_events(application).exists()
    assert not demo_workflow.hook_calls


@pytest.mark.django_db
def test_a_replaced_deadline_fires_at_its_new_time_with_its_new_action(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    review_by = DUE + timedelta(days=7)
    with time_machine.travel(DUE - timedelta(hours=1), tick=False):
        application_transition(
            application=application,
            to_status=DemoStatus.PAID,
            actor=user,
            deadline=Deadline(at=review_by, action=DemoStatus.REJECTED, reason="Not reviewed in time"),
        )
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        assert deadlines_sweep().fired == 0
    with time_machine.travel(review_by, tick=False):
        assert deadlines_sweep().fired == 1
    application.refresh_from_db()
    assert application.status == DemoStatus.REJECTED
    assert not _cancel_events(application).exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_payment_holding_the_row_makes_the_sweep_skip_it(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    locked, release = threading.Event(), threading.Event()

    def pay():
        try:
            with time_machine.travel(DUE + timedelta(seconds=5), tick=False), transaction.atomic():
                application_transition(application=application, to_status=DemoStatus.PAID, actor=user)
                locked.set()
                release.wait(10)
        finally:
            close_old_connections()

    payer = threading.Thread(target=pay)
    payer.start()
    assert locked.wait(10)
    with time_machine.travel(DUE + timedelta(seconds=10), tick=False):
        assert deadlines_sweep().fired == 0  # the row is locked by the payment: skipped, not waited on
        release.set()
        payer.join(10)
        assert deadlines_sweep().fired == 0  # committed: the deadline went with the payment
    application.refresh_from_db()
    assert application.status == DemoStatus.PAID
    assert not _cancel_events(application).exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_cancel_once_and_send_one_sms(demo_workflow, user, outbox):
    applications = [_awaiting_payment(user) for _n in range(6)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
                barrier.wait(10)
                results.append(deadlines_sweep().fired)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sweep) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sum(results) == len(applications)
    for application in applications:
        application.refresh_from_db()
        assert application.status == DemoStatus.CANCELLED
        assert _cancel_events(application).count() == 1
        sms = Notification.objects.get(application=application)
        assert (sms.status, sms.attempts) == (Notification.Status.SENT, 1)
    assert len(demo_workflow.hook_calls) == len(applications)


# --- reminders --------------------------------------------------------------------------


def _reminders(application):
    return list(
        Notification.objects.filter(application=application, dedupe_key__contains=":reminder:").order_by("created_at")
    )


@pytest.mark.django_db
def test_reminders_go_out_24_and_2_hours_before_each_once(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    with time_machine.travel(DUE - timedelta(hours=24, minutes=1), tick=False):
        assert deadlines_sweep().reminded == 0
    with time_machine.travel(DUE - timedelta(hours=24), tick=False):
        assert deadlines_sweep().reminded == 1
    with time_machine.travel(DUE - timedelta(hours=23), tick=False):
        assert deadlines_sweep().reminded == 0
    with time_machine.travel(DUE - timedelta(hours=2, seconds=-30), tick=False):
        assert deadlines_sweep().reminded == 1
    with time_machine.travel(DUE - timedelta(minutes=5), tick=False):
        assert deadlines_sweep().reminded == 0
    first, second = _reminders(application)
    assert "Not paid within 3 days" in first.text
    assert application.reference in first.text and application.reference in second.text
    assert "4 مارس 2026، 10:00" in second.text  # the deadline in Amman time, in the one format (Arabic)
    offsets = ApplicationReminder.objects.filter(application=application).values_list("offset_hours", flat=True)
    assert sorted(offsets) == [2, 24]


@pytest.mark.django_db
def test_a_sweep_that_missed_the_24_hour_window_sends_only_the_2_hour_reminder(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    with time_machine.travel(DUE - timedelta(hours=1), tick=False):
        assert deadlines_sweep().reminded == 1
        assert deadlines_sweep().reminded == 0
    assert list(ApplicationReminder.objects.values_list("offset_hours", flat=True)) == [2]
    assert len(_reminders(application)) == 1


@pytest.mark.django_db
def test_no_24_hour_reminder_for_a_deadline_announced_less_than_24_hours_ahead(demo_workflow, user, outbox):
    with time_machine.travel(NOW, tick=False):
        application = DemoApplicationFactory(applicant=user)
        application_transition(
            application=application,
            to_status=DemoStatus.AWAITING_PAYMENT,
            actor=user,
            deadline=Deadline(at=NOW + timedelta(hours=20), action=DemoStatus.CANCELLED),
        )
        assert deadlines_sweep().reminded == 0
    with time_machine.travel(NOW + timedelta(hours=18, minutes=1), tick=False):
        assert deadlines_sweep().reminded == 1
    assert list(ApplicationReminder.objects.values_list("offset_hours", flat=True)) == [2]


@pytest.mark.django_db
def test_a_new_deadline_gets_its_own_reminders(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    review_by = DUE + timedelta(days=7)
    with time_machine.travel(DUE - timedelta(hours=20), tick=False):
        assert deadlines_sweep().reminded == 1
        application_transition(
            application=application,
            to_status=DemoStatus.PAID,
            actor=user,
            deadline=Deadline(at=review_by, action=DemoStatus.REJECTED),
        )
    with time_machine.travel(review_by - timedelta(hours=24), tick=False):
        assert deadlines_sweep().reminded == 1
    rows = ApplicationReminder.objects.filter(application=application).values_list("deadline_at", "offset_hours")
    assert sorted(rows) == [(DUE, 24), (review_by, 24)]


@pytest.mark.django_db
def test_no_reminder_once_the_applicant_has_acted(demo_workflow, user, outbox):
    application = _awaiting_payment(user)
    with time_machine.travel(DUE - timedelta(hours=30), tick=False):
        application_transition(application=application, to_status=DemoStatus.PAID, actor=user)
    with time_machine.travel(DUE - timedelta(hours=1), tick=False):
        assert deadlines_sweep().reminded == 0
    assert not _reminders(application)
