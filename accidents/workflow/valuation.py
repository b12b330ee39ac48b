"""Step 5 of seed 002: staff value the damage item by item, then the vehicle's insurance is read
(steps 5-7: expired → the damage is billed; active → the applicant chooses how to pay)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accidents.constants import SMS_CHOOSE, SMS_PAY_EXPIRED, ClaimStatus, Department, Unit
from accidents.insurance import InsuranceUnavailableError, policy_check
from accidents.models import AccidentClaim, ValuationItem
from accidents.workflow.common import claim_lock
from accidents.workflow.payment import claim_bill_issue
from core.money import money_round, money_text
from services.models import ApplicationEvent
from services.workflow import application_require_status, application_transition

logger = logging.getLogger(__name__)

S = ClaimStatus


@dataclass(frozen=True)
class ValuationLine:
    department: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = Unit.PIECE


def claim_value(*, claim: AccidentClaim, lines: list[ValuationLine], actor, public_note: str = "") -> AccidentClaim:
    """Step 5: staff of the concerned department value the damage item by item; the insurance check follows.

    Refuses (ValidationError, nothing changed) an empty valuation and any quantity, unit price or
    total of zero or less.
    """
    if not lines:
        raise ValidationError(gettext("Enter at least one damaged item."), code="empty")
    for line in lines:
        if not (line.description or "").strip():
            raise ValidationError(gettext("Every item needs a description."), code="description")
        if line.department not in Department.values or line.unit not in Unit.values:
            raise ValidationError(gettext("Choose a department and a unit for every item."), code="choice")
        if Decimal(line.quantity) <= 0:
            raise ValidationError(gettext("The quantity must be more than zero."), code="not_positive")
        if Decimal(line.unit_price) <= 0:
            raise ValidationError(gettext("The unit price must be more than zero."), code="not_positive")
    amounts = [money_round(Decimal(line.quantity) * Decimal(line.unit_price)) for line in lines]
    total = sum(amounts, Decimal("0.000"))
    if total <= 0 or any(a <= 0 for a in amounts):
        raise ValidationError(gettext("The damage amount must be more than zero."), code="not_positive")

    with transaction.atomic():
        claim = claim_lock(claim)
        application_require_status(claim, S.SUBMITTED, message=gettext("This request has already been valued."))
        now = timezone.now()
        ValuationItem.objects.bulk_create(
            ValuationItem(
                claim=claim,
                position=position,
                department=line.department,
                description=line.description.strip(),
                quantity=Decimal(line.quantity),
                unit=line.unit,
                unit_price=money_round(line.unit_price),
                amount=amount,
            )
            for position, (line, amount) in enumerate(zip(lines, amounts, strict=True))
        )
        claim.damage_amount = total
        claim.valued_at = now
        claim.valued_by = actor
        claim.save(update_fields=["damage_amount", "valued_at", "valued_by"])
        application_transition(
            application=claim,
            to_status=S.VALUED,
            actor=actor,
            actor_kind=ApplicationEvent.ActorKind.STAFF,
            reason=_("Damage valued"),
            public_note=public_note,
            internal_note=f"{total} JOD, {len(lines)} item{'' if len(lines) == 1 else 's'}",
        )
    try:
        return claim_insurance_check(claim=claim, actor=None)
    except InsuranceUnavailableError:
        # The valuation stands; the claim waits in the "insurance check" queue for a retry.
        logger.warning("insurance registry unavailable for claim %s; left valued", claim.reference)
        return claim


def claim_insurance_check(*, claim: AccidentClaim, actor=None) -> AccidentClaim:
    """Steps 5-7: read the vehicle's insurance; expired → bill and 3-day deadline; active → ask to choose.

    ``actor`` is the staff member who asked for a re-check, or None when it follows the valuation.
    Raises :class:`InsuranceUnavailableError` (nothing changed) when the registry cannot answer.
    """
    with transaction.atomic():
        claim = claim_lock(claim)
        application_require_status(claim, S.VALUED, message=gettext("The insurance is checked once, after valuation."))
        result = policy_check(
            registration_number=claim.registration_number,
            insurer_code=claim.declared_insurer.code if claim.declared_insurer_id else "",
            policy_number=claim.declared_policy_number,
            on_date=claim.accident_date,
        )
        now = timezone.now()
        claim.insurance_state = result.state
        claim.insurance_checked_at = now
        claim.insurance_insurer_name = result.insurer_name[:150]
        claim.insurance_policy_number = result.policy_number[:40]
        claim.insurance_valid_until = result.valid_until
        claim.insurance_detail = str(result.detail)[:300]
        claim.save(
            update_fields=[
                "insurance_state",
                "insurance_checked_at",
                "insurance_insurer_name",
                "insurance_policy_number",
                "insurance_valid_until",
                "insurance_detail",
            ]
        )
        actor_kind = ApplicationEvent.ActorKind.STAFF if actor else ApplicationEvent.ActorKind.SYSTEM
        if result.is_active:
            application_transition(
                application=claim,
                to_status=S.AWAITING_CHOICE,
                actor=actor,
                actor_kind=actor_kind,
                reason=_("Insurance active: the applicant chooses how to pay"),
                internal_note=f"{result.insurer_name} {result.policy_number}: {result.detail}",
                sms=(SMS_CHOOSE, {"amount": money_text(claim.damage_amount)}),
            )
        else:
            claim_bill_issue(
                claim=claim,
                actor=actor,
                actor_kind=actor_kind,
                reason=_("Insurance not active: the damage is billed"),
                sms_text=SMS_PAY_EXPIRED,
                internal_note=str(result.detail),
            )
    return claim
