"""Sending one stored message: the retry policy and the claimed attempt, and the Celery task.

``notification_send`` claims the row with a conditional UPDATE (queued -> sending) before calling the
gateway, so a task delivered twice, or two workers, can never send the same message twice.
The task lives here beside :func:`enqueue`, so that the callers that queue messages (``outbox``,
``recovery``) and the task module never import each other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.metrics import SMS_ATTEMPTS_FAILED, SMS_FAILED, SMS_SENT
from notifications.backends import SmsError, get_backend
from notifications.models import Notification

logger = logging.getLogger(__name__)

# Attempts in total (the first one plus retries) before a message is marked failed.
SMS_MAX_ATTEMPTS = 6
# Backoff between attempts: 30 s, 1 min, 2 min, 4 min, 8 min ... capped at one hour.
SMS_RETRY_BASE_SECONDS = 30
SMS_RETRY_MAX_SECONDS = 3600


def sms_retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt."""
    return min(SMS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), SMS_RETRY_MAX_SECONDS)


def sms_max_attempts() -> int:
    return getattr(settings, "SMS_MAX_ATTEMPTS", SMS_MAX_ATTEMPTS)


def sms_resend_interrupted() -> bool:
    """Whether a message whose worker died in the middle of sending is sent again.

    Yes by default: it is sent again with the same ``reference`` (``n<pk>``), which the gateway uses
    to de-duplicate, so the person gets it exactly once. Set ``SMS_RESEND_INTERRUPTED = False`` for a
    gateway that does not de-duplicate: such messages are then marked failed instead (never twice,
    possibly never)."""
    return getattr(settings, "SMS_RESEND_INTERRUPTED", True)


@dataclass(frozen=True)
class SendOutcome:
    """What one attempt did: ``sent``, ``retry`` (with ``delay`` seconds), ``failed`` or ``skipped``."""

    result: str
    attempts: int = 0
    delay: int = 0


def notification_send(*, notification_id: int, backend=None) -> SendOutcome:
    """One attempt at sending a queued notification. Safe to call any number of times, concurrently."""
    # The claim: only one caller moves queued -> sending; everybody else finds nothing to do.
    claimed = Notification.objects.filter(pk=notification_id, status=Notification.Status.QUEUED).update(
        status=Notification.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=timezone.now()
    )
    if not claimed:
        return SendOutcome("skipped")
    notification = Notification.objects.get(pk=notification_id)
    backend = backend or get_backend()
    try:
        provider_id = backend.send(mobile=notification.mobile, text=notification.text, reference=f"n{notification.pk}")
    except SmsError as exc:
        return _record_failure(notification, error=str(exc), permanent=exc.permanent)
    except Exception as exc:
        logger.exception("SMS backend crashed for notification %s", notification.pk)
        return _record_failure(notification, error=f"{type(exc).__name__}: {exc}", permanent=False)

    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT,
        provider_id=provider_id or "",
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
    )
    SMS_SENT.inc()
    return SendOutcome("sent", attempts=notification.attempts)


def _record_failure(notification: Notification, *, error: str, permanent: bool) -> SendOutcome:
    attempts = notification.attempts
    final = permanent or attempts >= sms_max_attempts()
    status = Notification.Status.FAILED if final else Notification.Status.QUEUED
    delay = 0 if final else sms_retry_delay(attempts)
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=status,
        last_error=error[:500],
        next_attempt_at=None if final else timezone.now() + timedelta(seconds=delay),
    )
    SMS_ATTEMPTS_FAILED.inc()
    if final:
        SMS_FAILED.inc()
        logger.warning("SMS %s failed after %s attempt(s): %s", notification.pk, attempts, error)
        return SendOutcome("failed", attempts=attempts)
    return SendOutcome("retry", attempts=attempts, delay=delay)


# The task keeps the name it had in services.tasks: messages queued in the broker before a deploy still find it.
@shared_task(bind=True, max_retries=None, acks_late=True, name="services.tasks.send_notification")
def send_notification(self, notification_id: int) -> str:
    """Send one stored notification; retries with backoff until sent or finally failed, never twice."""
    outcome = notification_send(notification_id=notification_id)
    # Eager mode (`make run`, tests) has no broker to hold a retry for later; Celery would re-raise the
    # Retry to the caller, so the attempts run back to back instead (the attempt limit still applies).
    while outcome.result == "retry" and self.request.is_eager:
        outcome = notification_send(notification_id=notification_id)
    if outcome.result == "retry":
        raise self.retry(countdown=outcome.delay)
    return outcome.result


def enqueue(notification_id: int) -> None:
    """Hand a stored message to a worker; a broker that is down leaves it queued for the recovery sweep."""
    try:
        send_notification.delay(notification_id)
    except Exception as exc:
        # The broker is down. The message is stored and stays queued: notifications_recover (beat) hands
        # it to a worker once the broker is back. Whatever the caller was doing (a payment) stands.
        logger.warning(
            "SMS %s not queued, broker unavailable (%s); the recovery sweep will send it", notification_id, exc
        )
