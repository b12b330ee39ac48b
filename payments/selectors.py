"""Named reads of the payments app."""

from datetime import UTC
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.party import Party, party_q
from core import sql
from payments.billing_numbers import billing_number_is_valid
from payments.constants import PaymentState
from payments.models import Bill, BillLine, Message, Payment

# What an eFAWATEERcom bill pull answers from (payments.efawateercom.handling).
BILL_PULL_FIELDS = (
    "id",
    "billing_number",
    "service_type",
    "amount",
    "status",
    "payer_name",
    "description_ar",
    "issued_at",
    "due_at",
    "expires_at",
    "pull_signature",
)


@cache
def _bill_pull_sql() -> str:
    meta = Bill._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in BILL_PULL_FIELDS)
    number = quote(meta.get_field("billing_number").column)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {number} = %s"  # noqa: S608 (names from the model, quoted; the number is bound)


def _aware(value):
    # SQLite hands back the naive UTC the ORM stored; PostgreSQL an aware datetime.
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value


def bill_by_number(billing_number: str) -> Bill | None:
    """The bill with this e-payment number; a number failing its check digit is not looked up."""
    if not billing_number_is_valid(billing_number):
        return None
    return Bill.objects.filter(billing_number=billing_number).first()


def bill_for_pull(billing_number: str) -> dict | None:
    """The ``BILL_PULL_FIELDS`` of the bill with this number, or None; a number failing its check digit is
    not looked up. One SELECT by the unique number, written out once rather than compiled by the ORM and
    turned into a model on every call: a bill pull is answered many times a minute, and the ORM's work was
    three quarters of its look-up (issue 20)."""
    if not billing_number_is_valid(billing_number):
        return None
    with sql.cursor() as cursor:
        cursor.execute(_bill_pull_sql(), [billing_number])
        row = cursor.fetchone()
    if row is None:
        return None
    bill = dict(zip(BILL_PULL_FIELDS, row, strict=True))
    bill["amount"] = Decimal(str(bill["amount"]))
    bill["pull_signature"] = bytes(bill["pull_signature"]) if bill["pull_signature"] else None
    for name in ("issued_at", "due_at", "expires_at"):
        bill[name] = _aware(bill[name])
    return bill


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
