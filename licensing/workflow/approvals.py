"""Step 4: the external bodies' answers, recorded by staff."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing.constants import SMS_APPROVALS_DONE, SMS_REFUSED_BODY, ApprovalDecision, SplitStatus
from licensing.models import ExternalApproval, ExternalBody, SplitApplication
from licensing.workflow.common import split_lock
from licensing.workflow.endings import split_end
from services.models import ApplicationEvent
from services.workflow import application_require_status, application_transition

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def split_approval_record(
    *, application: SplitApplication, body: ExternalBody, approved: bool, actor, reason: str = ""
) -> SplitApplication:
    """Staff record one body's answer. A refusal ends the request (SMS); the last approval opens booking."""
    reason = (reason or "").strip()
    if not approved and not reason:
        raise ValidationError(gettext("Write the body's reason for refusing: the applicant reads it."), code="reason")
    with transaction.atomic():
        application = split_lock(application)
        application_require_status(
            application, S.EXTERNAL_APPROVALS, message=gettext("This request is not waiting for external approvals.")
        )
        approval = ExternalApproval.objects.select_for_update().filter(application=application, body=body).first()
        if approval is None:
            raise ValidationError(gettext("This body's approval is not needed for this request."), code="body")
        if approval.decision != ApprovalDecision.PENDING:
            raise ValidationError(gettext("This body's answer is already recorded."), code="decided")
        approval.decision = ApprovalDecision.APPROVED if approved else ApprovalDecision.REFUSED
        approval.reason = reason[:300]
        approval.decided_at = timezone.now()
        approval.decided_by = actor
        approval.save()
        if not approved:
            with translation.override((application.applicant.language or "ar")[:2]):
                body_name = body.tr("name")
            split_end(
                application=application,
                to_status=S.REFUSED,
                actor=actor,
                reason=_("%(body)s did not approve: %(reason)s") % {"body": body.tr("name"), "reason": reason},
                sms=(SMS_REFUSED_BODY, {"body": body_name, "reason": reason}),
            )
        elif not application.approvals.filter(decision=ApprovalDecision.PENDING).exists():
            application_transition(
                application=application,
                to_status=S.AWAITING_BOOKING,
                actor=actor,
                actor_kind=ActorKind.STAFF,
                reason=_("All external approvals given"),
                sms=(SMS_APPROVALS_DONE, {}),
            )
    return application
