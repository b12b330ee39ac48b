"""Step 3: the request is accepted (an event, not a status) and goes on to the step it waits for."""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from licensing.constants import SMS_ACCEPTED, SMS_ACCEPTED_APPROVALS, STANDARD_WORKING_DAYS, SplitStatus
from licensing.models import ExternalApproval, SplitApplication
from services.workdays import working_days_add
from services.workflow import CLEAR, application_transition

S = SplitStatus


def split_accept(*, application: SplitApplication, actor, actor_kind: str, reason=None) -> None:
    """Accepted → SMS with the request number; then the external approvals or the inspection.

    The standard time (3 working days) starts now.
    """
    now = timezone.now()
    application.accepted_at = now
    application.due_by = working_days_add(timezone.localdate(now), STANDARD_WORKING_DAYS)
    application.save(update_fields=["accepted_at", "due_by"])
    bodies = list(application.profession.approvals.all())
    if bodies:
        ExternalApproval.objects.bulk_create(ExternalApproval(application=application, body=b) for b in bodies)
        with translation.override((application.applicant.language or "ar")[:2]):
            names = "، ".join(b.tr("name") for b in bodies)
        application_transition(
            application=application,
            to_status=S.EXTERNAL_APPROVALS,
            actor=actor,
            actor_kind=actor_kind,
            reason=reason or _("Request accepted"),
            deadline=CLEAR,
            sms=(SMS_ACCEPTED_APPROVALS, {"bodies": names}),
        )
    else:
        application_transition(
            application=application,
            to_status=S.AWAITING_BOOKING,
            actor=actor,
            actor_kind=actor_kind,
            reason=reason or _("Request accepted"),
            deadline=CLEAR,
            sms=(SMS_ACCEPTED, {}),
        )
