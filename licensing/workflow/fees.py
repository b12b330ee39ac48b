"""Step 7: the licence fees (from the fee table, or set by staff) and their e-payment number."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import money_round, money_text
from licensing.constants import (
    BILL_KIND_FEES,
    BILL_SERVICE_TYPE_FEES,
    FEES_PERIOD,
    REASON_FEES_NOT_PAID,
    SMS_FEES,
    SplitStatus,
)
from licensing.models import SplitApplication
from licensing.workflow.common import split_lock
from payments.services import BillLineSpec, bill_create
from services.models import ApplicationEvent
from services.workflow import (
    Deadline,
    application_payer_name,
    application_require_status,
    application_transition,
)

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def split_fee_set(*, application: SplitApplication, amount, actor) -> SplitApplication:
    """Staff set the fee of a profession without one in the fee table; SMS with the e-payment number."""
    amount = money_round(amount)
    if amount <= 0:
        raise ValidationError(gettext("The fee must be more than zero."), code="not_positive")
    with transaction.atomic():
        application = split_lock(application)
        application_require_status(
            application, S.FEE_ASSESSMENT, message=gettext("This request is not waiting for its fees.")
        )
        split_fees_bill_and_wait(application=application, amount=amount, actor=actor, reason=_("Fees set by staff"))
    return application


def split_fees_bill_and_wait(*, application: SplitApplication, amount: Decimal, actor, reason) -> None:
    """The fees bill (one e-payment number, 7 days to pay) and the SMS; the request waits for payment."""
    deadline = Deadline.after(FEES_PERIOD, action=S.CANCELLED, reason=REASON_FEES_NOT_PAID)
    texts = {}
    for language in ("ar", "en"):
        with translation.override(language):
            texts[language] = (
                gettext("Profession licence fee: %(profession)s") % {"profession": application.profession.tr("name")},
                gettext("Profession licence split, request %(reference)s") % {"reference": application.reference},
            )
    bill = bill_create(
        kind=BILL_KIND_FEES,
        service_type=BILL_SERVICE_TYPE_FEES,
        lines=[
            BillLineSpec(
                description_ar=texts["ar"][0],
                description_en=texts["en"][0],
                amount=money_round(amount),
                item_key=f"licensing:{application.pk}:fees",
            )
        ],
        payer_name=application_payer_name(application),
        payer=application.applicant,
        organisation=application.organisation,
        expires_at=deadline.at,
        description_ar=texts["ar"][1],
        description_en=texts["en"][1],
    )
    application.fee_amount = money_round(amount)
    application.fee_set_by = actor
    application.fees_bill = bill
    application.save(update_fields=["fee_amount", "fee_set_by", "fees_bill"])
    application_transition(
        application=application,
        to_status=S.AWAITING_PAYMENT,
        actor=actor,
        actor_kind=ActorKind.STAFF,
        reason=reason,
        deadline=deadline,
        sms=(
            SMS_FEES,
            {
                "amount": money_text(bill.amount),
                "billing_number": bill.billing_number,
                "deadline": deadline.at,
            },
        ),
    )
