"""How the portal sends a message: :func:`notify` stores it (the person's inbox) and sends it by SMS
after the current transaction commits. Every other app calls only this."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import translation

from core.dates import when_text
from core.metrics import SMS_QUEUED
from core.text import embedded
from notifications.models import Notification
from notifications.sending import enqueue


def notify(*, text, context=None, recipient=None, mobile=None, dedupe_key: str, application=None) -> Notification:
    """Store a message for ``recipient`` and send it by SMS after the current transaction commits.

    ``text`` is a gettext_lazy string with ``{placeholders}``; it is rendered in the recipient's language
    (default Arabic). Pass dates and date-times as they are: they are written in that language's one
    format, in Amman time (``core.dates``). A second call with the same ``dedupe_key`` returns the
    existing notification and sends nothing.
    """
    if not dedupe_key:
        raise ValueError("notify() needs a dedupe_key naming the event")
    existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing

    language = (getattr(recipient, "language", "") or "ar")[:2]
    with translation.override(language):
        # Reasons and notes typed by staff end as they like; the message's own sentence punctuates them.
        values = {key: message_value(value) for key, value in (context or {}).items()}
        body = str(text).format(**values)
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
        transaction.on_commit(lambda: _queued(notification.pk), robust=True)
    return notification


def _queued(notification_id: int) -> None:
    """After commit: counted as queued (``portal_sms_queued_total``) and handed to a worker."""
    SMS_QUEUED.inc()
    enqueue(notification_id)


def message_value(value):
    """A context value as a message shows it, in the active (the recipient's) language: a typed reason
    punctuated as part of the sentence, a date or date-time in the one format (``core.dates``)."""
    if isinstance(value, str):
        return embedded(value)
    if isinstance(value, date):  # a datetime is a date too
        return when_text(value)
    return value
