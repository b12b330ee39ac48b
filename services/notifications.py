"""SMS notifications: every message is stored (the user's inbox) and sent once by a Celery task.

Callers use :func:`notify` only. The task ``services.tasks.send_notification`` calls
:func:`notification_send`, which claims the row with a conditional UPDATE (queued -> sending) before
calling the gateway, so a task delivered twice, or two workers, can never send the same message twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from services.models_notify import Notification
from services.sms_backends import SmsError, get_backend

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


def notify(*, text, context=None, recipient=None, mobile=None, dedupe_key: str, application=None) -> Notification:
    """Store a message for ``recipient`` and send it by SMS after the current transaction commits.

    ``text`` is a gettext_lazy string with ``{placeholders}``; it is rendered in the recipient's language
    (default Arabic). A second call with the same ``dedupe_key`` returns the existing notification and
    sends nothing.
    """
    if not dedupe_key:
        raise ValueError("notify() needs a dedupe_key naming the event")
    existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing

    language = (getattr(recipient, "language", "") or "ar")[:2]
    with translation.override(language):
        body = str(text).format(**(context or {}))
    if mobile is None and recipient is not None:
        # Every SMS goes to the account's mobile once it is verified; otherwise the inbox only.
        mobile = recipient.mobile if recipient.mobile_verified else ""
    mobile = mobile or ""
    fields = {
        "recipient": recipient,
        "mobile": mobile,
        "language": language,
        "text": body,
        "status": Notification.Status.QUEUED if mobile else Notification.Status.SKIPPED,
    }
    if application is not None:
        fields["application"] = application
    try:
        # The savepoint keeps the caller's transaction usable when a concurrent caller won the race.
        with transaction.atomic():
            notification = Notification.objects.create(dedupe_key=dedupe_key, **fields)
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key)

    if notification.status == Notification.Status.QUEUED:
        transaction.on_commit(lambda: _enqueue(notification.pk), robust=True)
    return notification


def _enqueue(notification_id: int) -> None:
    from services.tasks import send_notification

    try:
        send_notification.delay(notification_id)
    except Exception as exc:
        # The broker is down. The message is stored and stays queued: notifications_recover (beat) hands
        # it to a worker once the broker is back. Whatever the caller was doing (a payment) stands.
        logger.warning(
            "SMS %s not queued, broker unavailable (%s); the recovery sweep will send it", notification_id, exc
        )


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
    if final:
        logger.warning("SMS %s failed after %s attempt(s): %s", notification.pk, attempts, error)
        return SendOutcome("failed", attempts=attempts)
    return SendOutcome("retry", attempts=attempts, delay=delay)


# A message still queued this long after its attempt was due lost its task (broker restarted, enqueue
# failed after the commit); one "sending" this long lost its worker in the middle of the attempt.
SMS_RECOVER_AFTER = timedelta(minutes=10)
SMS_RECOVER_BATCH = 500


def sms_recover_after() -> timedelta:
    """SMS_RECOVER_AFTER, or ``settings.SMS_RECOVER_AFTER_SECONDS`` (the fault tests use seconds)."""
    seconds = getattr(settings, "SMS_RECOVER_AFTER_SECONDS", None)
    return SMS_RECOVER_AFTER if seconds is None else timedelta(seconds=seconds)


@dataclass
class RecoverResult:
    requeued: int = 0
    abandoned: int = 0

    def as_dict(self) -> dict:
        return {"requeued": self.requeued, "abandoned": self.abandoned}


def notifications_recover(*, now=None, batch_size: int = SMS_RECOVER_BATCH) -> RecoverResult:
    """Give lost messages back to the queue; mark the ones interrupted mid-send as failed.

    Called by the ``services.tasks.notifications_recover_sweep`` beat task. Requeueing is always safe:
    the claim in :func:`notification_send` lets only one run send. A message left "sending" (its
    worker died mid-send) may already have reached the gateway: it is sent again under the same
    reference, which the gateway de-duplicates (see :func:`sms_resend_interrupted`); when resending
    is turned off, or its attempts are used up, it is marked failed (the person still has it in the
    inbox, and staff see why in the admin).
    """
    now = now or timezone.now()
    cutoff = now - sms_recover_after()
    result = RecoverResult()

    lost = Q(next_attempt_at__isnull=True, created_at__lte=cutoff) | Q(next_attempt_at__lte=cutoff)
    lost_ids = list(
        Notification.objects.filter(lost, status=Notification.Status.QUEUED)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    for notification_id in lost_ids:
        # Pushed forward first, so that the next sweep does not queue it again while this task waits.
        Notification.objects.filter(pk=notification_id, status=Notification.Status.QUEUED).update(next_attempt_at=now)
        _enqueue(notification_id)
        result.requeued += 1

    interrupted = Q(last_attempt_at__lte=cutoff) | Q(last_attempt_at__isnull=True, created_at__lte=cutoff)
    if sms_resend_interrupted():
        stuck_ids = list(
            Notification.objects.filter(
                interrupted, status=Notification.Status.SENDING, attempts__lt=sms_max_attempts()
            )
            .order_by("created_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        for notification_id in stuck_ids:
            # Conditional, like the claim: a worker that finishes the send meanwhile wins, and it is left alone.
            if Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING).update(
                status=Notification.Status.QUEUED,
                next_attempt_at=now,
                last_error="The sending was interrupted; sent again under the same reference.",
            ):
                _enqueue(notification_id)
                result.requeued += 1
    result.abandoned = Notification.objects.filter(
        Q(
            pk__in=Notification.objects.filter(interrupted, status=Notification.Status.SENDING).values("pk")[
                :batch_size
            ]
        ),
        status=Notification.Status.SENDING,
    ).update(
        status=Notification.Status.FAILED,
        last_error="The sending was interrupted; delivery is unknown, so it is not sent again.",
        next_attempt_at=None,
    )
    if result.requeued or result.abandoned:
        logger.warning(
            "SMS recovery: %s requeued, %s interrupted ones marked failed.", result.requeued, result.abandoned
        )
    return result
