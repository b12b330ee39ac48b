"""After a failed inspection: the applicant confirms the corrections, then books a new inspection."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.party import Party
from licensing.constants import InspectionResult, SplitStatus
from licensing.models import SplitApplication
from licensing.workflow.common import split_lock
from services.models import ApplicationEvent
from services.workflow import application_require_party, application_require_status, application_transition

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def split_corrections_confirm(*, application: SplitApplication, party: Party, note: str = "") -> SplitApplication:
    """The applicant confirms the corrections are made; a new inspection is then booked."""
    with transaction.atomic():
        application = split_lock(application)
        application_require_party(application, party)
        application_require_status(
            application, S.AWAITING_CORRECTIONS, message=gettext("This request is not waiting for corrections.")
        )
        booking = (
            application.bookings.select_for_update()
            .filter(result=InspectionResult.NOT_COMPLIANT, corrections_confirmed_at__isnull=True)
            .order_by("-result_at")
            .first()
        )
        if booking is not None:
            booking.corrections_confirmed_at = timezone.now()
            booking.corrections_note = (note or "").strip()[:1000]
            booking.save(update_fields=["corrections_confirmed_at", "corrections_note"])
        application_transition(
            application=application,
            to_status=S.AWAITING_BOOKING,
            actor=party.user,
            actor_kind=ActorKind.CITIZEN,
            reason=_("The applicant confirmed the corrections"),
            public_note=(note or "").strip()[:1000],
        )
    return application
