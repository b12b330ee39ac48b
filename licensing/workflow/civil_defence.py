"""Step 6: the Civil Defence's decision. A refusal ends the request; an approval moves on to the fees."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing.constants import SMS_REFUSED_CIVIL_DEFENCE, SplitStatus
from licensing.models import SplitApplication
from licensing.workflow.common import split_lock
from licensing.workflow.endings import split_end
from licensing.workflow.fees import split_fees_bill_and_wait
from services.models import ApplicationEvent
from services.workflow import application_require_status, application_transition

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def split_civil_defence_decide(
    *, application: SplitApplication, approved: bool, actor, reason: str = "", reference: str = ""
) -> SplitApplication:
    """Civil Defence's answer: refusal ends the request (SMS); approval moves on to the fees."""
    reason = (reason or "").strip()
    if not approved and not reason:
        raise ValidationError(gettext("Write the Civil Defence's reason: the applicant reads it."), code="reason")
    with transaction.atomic():
        application = split_lock(application)
        application_require_status(
            application, S.CIVIL_DEFENCE, message=gettext("This request is not waiting for the Civil Defence.")
        )
        application.civil_defence_decided_at = timezone.now()
        application.civil_defence_reference = (reference or "").strip()[:40]
        application.save(update_fields=["civil_defence_decided_at", "civil_defence_reference"])
        if not approved:
            split_end(
                application=application,
                to_status=S.REFUSED,
                actor=actor,
                reason=_("The Civil Defence did not approve: %(reason)s") % {"reason": reason},
                sms=(SMS_REFUSED_CIVIL_DEFENCE, {"reason": reason}),
            )
        elif application.profession.fee:
            split_fees_bill_and_wait(
                application=application,
                amount=application.profession.fee,
                actor=actor,
                reason=_("Civil Defence approved; fees from the fee table"),
            )
        else:
            application_transition(
                application=application,
                to_status=S.FEE_ASSESSMENT,
                actor=actor,
                actor_kind=ActorKind.STAFF,
                reason=_("Civil Defence approved"),
            )
    return application
