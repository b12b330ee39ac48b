"""Named reads of the payments app."""

from django.db.models import QuerySet

from accounts.party import Party, party_q
from payments.billing_numbers import billing_number_is_valid
from payments.constants import PaymentState
from payments.models import Bill, BillLine, Message, Payment

# What an eFAWATEERcom bill pull answers from (payments.efawateercom.handling).
BILL_PULL_FIELDS = (
    "pk",
    "billing_number",
    "service_type",
    "amount",
    "status",
    "payer_name",
    "description_ar",
    "issued_at",
    "due_at",
    "expires_at",
)


def bill_by_number(billing_number: str) -> Bill | None:
    """The bill with this e-payment number; a number failing its check digit is not looked up."""
    if not billing_number_is_valid(billing_number):
        return None
    return Bill.objects.filter(billing_number=billing_number).first()


def bill_for_pull(billing_number: str) -> dict | None:
    """The columns of ``BILL_PULL_FIELDS`` of the bill with this number, in one SELECT and no model
    instance (a bill pull is answered many times a minute: issue 20); a number failing its check digit is
    not looked up."""
    if not billing_number_is_valid(billing_number):
        return None
    rows = list(Bill.objects.filter(billing_number=billing_number).order_by().values(*BILL_PULL_FIELDS)[:1])
    return rows[0] if rows else None


def bill_line_descriptions_ar(bill_id: int) -> list[str]:
    return list(
        BillLine.objects.filter(bill_id=bill_id).order_by("position", "pk").values_list("description_ar", flat=True)
    )


def bills_for_party(party: Party) -> QuerySet[Bill]:
    """Bills whose payer is this party: the person's own, or any of the organisation's."""
    return Bill.objects.filter(party_q(party, applicant_field="payer")).prefetch_related("lines")


def bill_for_party(party: Party, billing_number: str) -> Bill | None:
    if not billing_number_is_valid(billing_number):
        return None
    return bills_for_party(party).filter(billing_number=billing_number).first()


def message_for_retry(*, kind: str, guid: str, body_sha256: str) -> Message | None:
    return Message.objects.filter(kind=kind, guid=guid, body_sha256=body_sha256).exclude(result_code=-1).first()


def payments_queued() -> QuerySet[Payment]:
    return Payment.objects.filter(state=PaymentState.QUEUED).select_related("bill")


def payment_applied_for_bill(bill: Bill) -> Payment | None:
    return Payment.objects.filter(bill=bill, state=PaymentState.APPLIED).first()
