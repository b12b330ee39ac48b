"""Named reads of licence splitting: the party's licences and requests, free inspection slots,
the bodies still to answer, the bill to pay now. Writes are in :mod:`licensing.workflow`."""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.party import Party, party_q
from licensing.constants import ApprovalDecision, InspectionResult, SplitStatus
from licensing.models import (
    ExternalBody,
    InspectionBooking,
    InspectionSlot,
    ProfessionLicence,
    SplitApplication,
)
from services.registry import TransitionError


def licences_for_party(party: Party) -> QuerySet:
    """The profession licences the party holds (an organisation's, or the person's own)."""
    if party.organisation is not None:
        return ProfessionLicence.objects.filter(organisation=party.organisation)
    return ProfessionLicence.objects.filter(holder=party.user, organisation__isnull=True)


def split_requests_for_party(party: Party) -> QuerySet:
    """The party's split requests, newest first."""
    return (
        SplitApplication.objects.filter(party_q(party)).select_related("licence", "profession").order_by("-created_at")
    )


def slot_taken() -> Exists:
    """For a queryset of slots: the slot has a live (not cancelled) booking."""
    return Exists(InspectionBooking.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True))


def slots_free(*, now=None) -> QuerySet:
    """Future slots that nobody holds (published or not: staff may assign any)."""
    return InspectionSlot.objects.filter(starts_at__gt=now or timezone.now()).exclude(slot_taken())


def slots_available(*, now=None) -> QuerySet:
    """Published future slots that nobody holds: what the applicant may book."""
    return slots_free(now=now).filter(is_published=True)


def approval_bodies_pending(*, application: SplitApplication) -> QuerySet:
    """The external bodies whose answer on ``application`` is not recorded yet."""
    return ExternalBody.objects.filter(
        pk__in=application.approvals.filter(decision=ApprovalDecision.PENDING).values("body")
    )


def booking_last_not_compliant(*, application: SplitApplication) -> InspectionBooking | None:
    """The latest inspection that found the premises not compliant (what the applicant must correct)."""
    return application.bookings.filter(result=InspectionResult.NOT_COMPLIANT).order_by("-result_at").first()


def split_bill_to_pay(*, application: SplitApplication):
    """The bill the applicant should pay now: the dues, or the fees once approved. Refuses otherwise."""
    if application.status == SplitStatus.AWAITING_DUES and application.dues_bill_id:
        return application.dues_bill
    if application.status == SplitStatus.AWAITING_PAYMENT and application.fees_bill_id:
        return application.fees_bill
    raise TransitionError(
        gettext("There is nothing to pay now: the fees can be paid only once the request is approved."),
        application=application,
        from_status=application.status,
    )
