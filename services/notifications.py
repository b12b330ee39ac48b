"""SMS notifications: every message is stored (the user's inbox) and sent once by a Celery task.

Callers use :func:`notify` only. The task ``services.tasks.send_notification`` calls
:func:`notification_send`, which claims the row with a conditional UPDATE (queued -> sending) before
calling the gateway, so a task delivered twice, or two workers, can never send the same message twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
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

    send_notification.delay(notification_id)


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
        status=Notification.Status.SENDING, attempts=F("attempts") + 1
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
        status=Notification.Status.SENT, provider_id=provider_id or "", sent_at=timezone.now(), last_error=""
    )
    return SendOutcome("sent", attempts=notification.attempts)


def _record_failure(notification: Notification, *, error: str, permanent: bool) -> SendOutcome:
    attempts = notification.attempts
    final = permanent or attempts >= sms_max_attempts()
    status = Notification.Status.FAILED if final else Notification.Status.QUEUED
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=status, last_error=error[:500]
    )
    if final:
        logger.warning("SMS %s failed after %s attempt(s): %s", notification.pk, attempts, error)
        return SendOutcome("failed", attempts=attempts)
    return SendOutcome("retry", attempts=attempts, delay=sms_retry_delay(attempts))
