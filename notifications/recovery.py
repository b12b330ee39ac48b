"""The recovery sweep: messages whose task was lost go back to the queue; ones interrupted mid-send
are sent again under the same reference or marked failed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.metrics import SMS_FAILED
from notifications.models import Notification
from notifications.sending import enqueue, sms_max_attempts, sms_resend_interrupted

logger = logging.getLogger(__name__)


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

    Called by the ``notifications.tasks.notifications_recover_sweep`` beat task. Requeueing is always safe:
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
        enqueue(notification_id)
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
                enqueue(notification_id)
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
    if result.abandoned:
        SMS_FAILED.inc(result.abandoned)
    if result.requeued or result.abandoned:
        logger.warning(
            "SMS recovery: %s requeued, %s interrupted ones marked failed.", result.requeued, result.abandoned
        )
    return result
