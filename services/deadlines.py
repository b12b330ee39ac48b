"""Deadlines: act on passed ones exactly once, remind the applicant before they pass.

``services.tasks.deadline_sweep`` (Celery beat, every minute) calls :func:`deadlines_sweep`. Two
sweeps may run at once (two beat schedulers, a slow run overlapping the next): each application is
claimed with ``select_for_update(skip_locked=True)`` and re-checked under the lock, so only one of
them acts, and a payment or upload that moved the application first (and so cleared or replaced the
deadline) wins over the cancellation.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from core.metrics import DEADLINE_SWEEPS, DEADLINES_ACTED, DEADLINES_REMINDED
from notifications.outbox import notify
from services.models import Application, ApplicationReminder
from services.workflow import CLEAR, TransitionError, application_transition, get_workflow

logger = logging.getLogger(__name__)

# Hours before a deadline at which the applicant is reminded, each once.
REMINDER_OFFSETS_HOURS = (24, 2)
BATCH_SIZE = 500

DEADLINE_SMS = _("Application {reference} is now “{status}”: {reason}.")
DEADLINE_SMS_NO_REASON = _("Application {reference} is now “{status}” because its deadline passed.")
REMINDER_SMS = _(
    "Reminder: application {reference} will become “{status}” at {deadline} (Amman time) "
    "unless you act before then: {reason}."
)
REMINDER_SMS_NO_REASON = _(
    "Reminder: application {reference} will become “{status}” at {deadline} (Amman time) unless you act before then."
)


@dataclasses.dataclass
class SweepResult:
    fired: int = 0
    reminded: int = 0

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _lazy_label(workflow, status: str):
    # Rendered by notify() in the recipient's language.
    return workflow.statuses(status).label


def deadline_fire(*, application_id: int, now: datetime) -> bool:
    """Move one application whose deadline has passed to its deadline action; False if nothing to do."""
    with transaction.atomic():
        row = (
            Application.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=application_id, deadline_at__isnull=False, deadline_at__lte=now)
            .select_related("applicant")
            .first()
        )
        # None: another sweep holds it, or a move (payment, upload) has cleared or replaced the deadline.
        if row is None:
            return False
        workflow = get_workflow(row.kind)
        reason = row.deadline_reason
        context = {"status": _lazy_label(workflow, row.deadline_action)}
        if reason:
            context["reason"] = gettext_lazy(reason)
        try:
            application_transition(
                application=row,
                to_status=row.deadline_action,
                actor_kind="system",
                reason=reason,
                deadline=CLEAR,
                sms=(DEADLINE_SMS if reason else DEADLINE_SMS_NO_REASON, context),
            )
        except TransitionError:
            # Only when the workflow's map changed after the deadline was set; reported, not retried forever.
            logger.exception("Deadline of %s names a move its workflow no longer allows.", row.reference)
            return False
        workflow.on_deadline(row.specific())
    return True


def _reminder_offset(application: Application, *, now: datetime) -> int | None:
    """The reminder due now (the smallest offset whose window has begun), if the person had more notice."""
    left = application.deadline_at - now
    due = [hours for hours in REMINDER_OFFSETS_HOURS if left <= timedelta(hours=hours)]
    if not due:
        return None
    hours = min(due)
    notice = application.deadline_at - (application.deadline_set_at or application.created_at)
    # A deadline set 20 hours ahead was announced with its own SMS: a "24 hours left" one adds nothing.
    if notice <= timedelta(hours=hours):
        return None
    return hours


def reminder_send(*, application_id: int, deadline_at: datetime, offset_hours: int, now: datetime) -> bool:
    """Send the ``offset_hours`` reminder for this deadline unless it was sent already; False if not sent."""
    with transaction.atomic():
        row = (
            Application.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=application_id, deadline_at=deadline_at, deadline_at__gt=now)
            .select_related("applicant")
            .first()
        )
        if row is None:
            return False
        try:
            with transaction.atomic():
                ApplicationReminder.objects.create(
                    application=row, deadline_at=deadline_at, offset_hours=offset_hours, sent_at=now
                )
        except IntegrityError:
            return False
        workflow = get_workflow(row.kind)
        local = timezone.localtime(deadline_at)
        context = {
            "reference": row.reference,
            "status": _lazy_label(workflow, row.deadline_action),
            "deadline": deadline_at,
        }
        if row.deadline_reason:
            context["reason"] = gettext_lazy(row.deadline_reason)
        notify(
            text=REMINDER_SMS if row.deadline_reason else REMINDER_SMS_NO_REASON,
            context=context,
            recipient=row.applicant,
            dedupe_key=f"application:{row.pk}:reminder:{local:%Y%m%d%H%M%S}:{offset_hours}h",
            application=row,
        )
    return True


def deadlines_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    """Fire every passed deadline, then send the reminders that are due. Safe to run concurrently."""
    now = now or timezone.now()
    result = SweepResult()
    due_ids = list(
        Application.objects.deadline_due(now=now).order_by("deadline_at").values_list("pk", flat=True)[:batch_size]
    )
    for application_id in due_ids:
        # One transaction per application: one failing hook must not hold back the others.
        try:
            if deadline_fire(application_id=application_id, now=now):
                result.fired += 1
        except Exception:
            logger.exception("Deadline of application %s could not be processed.", application_id)

    horizon = now + timedelta(hours=max(REMINDER_OFFSETS_HOURS))
    upcoming = list(
        Application.objects.filter(deadline_at__gt=now, deadline_at__lte=horizon)
        .only("pk", "deadline_at", "deadline_set_at", "created_at")
        .order_by("deadline_at")[:batch_size]
    )
    sent = set(
        ApplicationReminder.objects.filter(application__in=[a.pk for a in upcoming]).values_list(
            "application_id", "deadline_at", "offset_hours"
        )
    )
    for application in upcoming:
        hours = _reminder_offset(application, now=now)
        if hours is None or (application.pk, application.deadline_at, hours) in sent:
            continue
        try:
            if reminder_send(
                application_id=application.pk, deadline_at=application.deadline_at, offset_hours=hours, now=now
            ):
                result.reminded += 1
        except Exception:
            logger.exception("Reminder for application %s could not be sent.", application.pk)
    DEADLINE_SWEEPS.inc()
    DEADLINES_ACTED.inc(result.fired)
    DEADLINES_REMINDED.inc(result.reminded)
    if result.fired or result.reminded:
        logger.info("Deadline sweep at %s: %s fired, %s reminded.", now.isoformat(), result.fired, result.reminded)
    return result
