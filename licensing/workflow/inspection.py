"""Step 5: the inspection of the premises, booked by the applicant (or assigned by staff), and its result."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.party import Party
from core.dates import datetime_text
from licensing.constants import SMS_CORRECT, SMS_INSPECTION, SMS_VISIT_MISSED, InspectionResult, SplitStatus
from licensing.models import InspectionBooking, InspectionSlot, SplitApplication
from licensing.workflow.common import split_lock
from services.models import ApplicationEvent
from services.workflow import (
    application_require_party,
    application_require_status,
    application_transition,
)

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def split_inspection_book(
    *, application: SplitApplication, slot: InspectionSlot, actor, party: Party | None = None
) -> InspectionBooking:
    """The applicant (``party``) books a published slot, or staff assign one; SMS with the appointment.

    A slot already taken is refused; the unique index settles two people booking it at the same moment.
    """
    with transaction.atomic():
        application = split_lock(application)
        if party is not None:
            application_require_party(application, party)
        application_require_status(
            application, S.AWAITING_BOOKING, message=gettext("This request is not waiting for an inspection booking.")
        )
        if party is not None and not slot.is_published:
            raise ValidationError({"slot": [gettext("This appointment is not offered.")]})
        if slot.starts_at <= timezone.now():
            raise ValidationError({"slot": [gettext("This appointment has already passed: choose another.")]})
        try:
            with transaction.atomic():
                booking = InspectionBooking.objects.create(
                    application=application, slot=slot, visit_at=slot.starts_at, booked_by=actor
                )
        except IntegrityError:
            raise ValidationError(
                {"slot": [gettext("Somebody has just booked this appointment: choose another.")]}
            ) from None
        application_transition(
            application=application,
            to_status=S.INSPECTION_BOOKED,
            actor=actor,
            actor_kind=ActorKind.CITIZEN if party is not None else ActorKind.STAFF,
            reason=_("Inspection booked for %(when)s") % {"when": datetime_text(slot.starts_at)},
            sms=(SMS_INSPECTION, {"when": slot.starts_at}),
        )
    return booking


def _booking_visited(application: SplitApplication) -> InspectionBooking:
    """The pending booking, locked, once its visit has begun (a result cannot come before the visit)."""
    application_require_status(
        application, S.INSPECTION_BOOKED, message=gettext("This request has no inspection booked.")
    )
    booking = InspectionBooking.objects.select_for_update().get(
        application=application, cancelled_at__isnull=True, result=""
    )
    if timezone.now() < booking.visit_at:
        raise ValidationError(
            gettext("The visit is booked for %(when)s: its result can be recorded once the visit has begun.")
            % {"when": datetime_text(booking.visit_at)},
            code="visit_not_begun",
        )
    return booking


def split_inspection_result(
    *, application: SplitApplication, compliant: bool, actor, findings: str = ""
) -> SplitApplication:
    """The inspector's result, once the visit has begun. Not compliant → SMS listing what to correct;
    compliant → Civil Defence."""
    findings = (findings or "").strip()
    if not compliant and not findings:
        raise ValidationError(gettext("List what the applicant must correct: they receive it by SMS."), code="findings")
    with transaction.atomic():
        application = split_lock(application)
        booking = _booking_visited(application)
        booking.result = InspectionResult.COMPLIANT if compliant else InspectionResult.NOT_COMPLIANT
        booking.findings = findings
        booking.result_at = timezone.now()
        booking.result_by = actor
        booking.save()
        if compliant:
            application_transition(
                application=application,
                to_status=S.CIVIL_DEFENCE,
                actor=actor,
                actor_kind=ActorKind.STAFF,
                reason=_("Inspection: the premises comply"),
            )
        else:
            application_transition(
                application=application,
                to_status=S.AWAITING_CORRECTIONS,
                actor=actor,
                actor_kind=ActorKind.STAFF,
                reason=_("Inspection: the conditions are not met"),
                public_note=findings,
                sms=(SMS_CORRECT, {"findings": findings}),
            )
    return application


def split_inspection_missed(*, application: SplitApplication, actor, note: str = "") -> SplitApplication:
    """The visit did not take place (nobody there, premises closed): recorded once its time has come;
    the applicant books a new appointment and is told so by SMS."""
    with transaction.atomic():
        application = split_lock(application)
        booking = _booking_visited(application)
        booking.result = InspectionResult.MISSED
        booking.findings = (note or "").strip()[:1000]
        booking.result_at = timezone.now()
        booking.result_by = actor
        booking.save()
        application_transition(
            application=application,
            to_status=S.AWAITING_BOOKING,
            actor=actor,
            actor_kind=ActorKind.STAFF,
            reason=_("The inspection booked for %(when)s did not take place")
            % {"when": datetime_text(booking.visit_at)},
            public_note=booking.findings,
            sms=(SMS_VISIT_MISSED, {"when": booking.visit_at}),
        )
    return application
