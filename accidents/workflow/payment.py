"""Steps 6-8 and 11 of seed 002: the damage bill, the applicant's choice of how to pay, and the
payments hook that releases a claim once its bill is paid."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accidents.constants import (
    BILL_KIND,
    BILL_SERVICE_TYPE,
    LETTER_PERIOD,
    PAYMENT_PERIOD,
    REASON_NO_LETTER,
    REASON_NOT_PAID,
    SMS_LETTER,
    SMS_PAY_PERSONAL,
    ClaimStatus,
    PaymentMethod,
)
from accidents.models import AccidentClaim
from accidents.selectors import claim_for_bill, claim_items
from accidents.workflow.common import claim_lock
from accidents.workflow.release import claim_release
from accounts.party import Party
from core.money import money_text
from payments.services import BillLineSpec, bill_create
from services.models import ApplicationEvent
from services.workflow import (
    Deadline,
    TransitionError,
    application_payer_name,
    application_require_party,
    application_require_status,
    application_transition,
)

S = ClaimStatus


def _item_lines(items) -> list[str]:
    return [f"{item.description} ({item.quantity_text()})" for item in items]


def claim_bill_issue(
    *, claim: AccidentClaim, actor, actor_kind: str, reason, sms_text, internal_note="", now=None
) -> None:
    """Steps 6/8: a bill for the valued damage, payable for 3 days; the claim waits for payment.

    Runs inside the caller's transaction, with the claim locked.
    """
    deadline = Deadline.after(PAYMENT_PERIOD, action=S.CANCELLED, reason=REASON_NOT_PAID, now=now)
    items = claim_items(claim)
    with translation.override("ar"):
        lines_ar = _item_lines(items)
        description_ar = gettext("Accident damage to municipal property, request %(reference)s") % {
            "reference": claim.reference
        }
    with translation.override("en"):
        lines_en = _item_lines(items)
        description_en = gettext("Accident damage to municipal property, request %(reference)s") % {
            "reference": claim.reference
        }
    bill = bill_create(
        kind=BILL_KIND,
        service_type=BILL_SERVICE_TYPE,
        lines=[
            BillLineSpec(
                description_ar=ar,
                description_en=en,
                amount=item.amount,
                item_key=f"accidents:{claim.pk}:item:{item.pk}",
                obj=item,
            )
            for item, ar, en in zip(items, lines_ar, lines_en, strict=True)
        ],
        payer_name=application_payer_name(claim),
        payer=claim.applicant,
        organisation=claim.organisation,
        expires_at=deadline.at,
        description_ar=description_ar,
        description_en=description_en,
    )
    claim.bill = bill
    claim.save(update_fields=["bill"])
    application_transition(
        application=claim,
        to_status=S.AWAITING_PAYMENT,
        actor=actor,
        actor_kind=actor_kind,
        reason=reason,
        internal_note=internal_note,
        deadline=deadline,
        sms=(
            sms_text,
            {
                "amount": money_text(bill.amount),
                "billing_number": bill.billing_number,
                "deadline": deadline.at,
            },
        ),
    )


def claim_payment_choose(*, claim: AccidentClaim, party: Party, method: str) -> AccidentClaim:
    """Steps 8-9: personally → bill and 3 days to pay; through the insurer → 3 days to upload its letter.

    Chosen once: a second choice is refused and changes nothing.
    """
    if method not in PaymentMethod.values:
        raise ValidationError(gettext("Choose how to pay."), code="method")
    with transaction.atomic():
        claim = claim_lock(claim)
        application_require_party(claim, party)
        if claim.payment_method:
            raise TransitionError(
                gettext("You have already chosen how to pay for this request."),
                application=claim,
                from_status=claim.status,
            )
        application_require_status(
            claim, S.AWAITING_CHOICE, message=gettext("This request is not waiting for a choice of payment method.")
        )
        now = timezone.now()
        claim.payment_method = method
        claim.payment_chosen_at = now
        claim.save(update_fields=["payment_method", "payment_chosen_at"])
        if method == PaymentMethod.PERSONAL:
            claim_bill_issue(
                claim=claim,
                actor=party.user,
                actor_kind=ApplicationEvent.ActorKind.CITIZEN,
                reason=_("The applicant chose to pay personally"),
                sms_text=SMS_PAY_PERSONAL,
                now=now,
            )
        else:
            deadline = Deadline.after(LETTER_PERIOD, action=S.CANCELLED, reason=REASON_NO_LETTER, now=now)
            application_transition(
                application=claim,
                to_status=S.AWAITING_LETTER,
                actor=party.user,
                actor_kind=ApplicationEvent.ActorKind.CITIZEN,
                reason=_("The applicant chose to pay through the insurance company"),
                deadline=deadline,
                sms=(SMS_LETTER, {"deadline": deadline.at}),
            )
    return claim


def claim_bill_paid(bill, payment) -> None:
    """Payments hook (``register_bill_handler``): a paid damage bill releases its claim (step 11).

    Called inside the payment's transaction with the bill locked. Raising makes the payments app keep
    the money and queue it for finance staff (contract rule 2): that is what must happen when the claim
    was cancelled meanwhile or the bill is not the one the claim waits for.
    """
    claim = claim_for_bill(bill)
    if claim is None:
        raise LookupError(f"no accident claim for bill {bill.billing_number}")
    claim = claim_lock(claim)
    if claim.status != S.AWAITING_PAYMENT:
        raise TransitionError(
            gettext("The request is no longer waiting for payment."), application=claim, from_status=claim.status
        )
    claim_release(
        claim=claim,
        actor=None,
        actor_kind=ApplicationEvent.ActorKind.SYSTEM,
        # A msgid (shown in each reader's language); the bill's number is on the claim's page already.
        reason=_("The damage was paid"),
        internal_note=f"bill {bill.billing_number}",
    )
