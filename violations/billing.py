"""E-payment numbers for violations, through the payments app (never a billing layer of our own).

Each payable violation gets its own bill (one line, item_key ``violation:<pk>``) and a statement gets
one more bill for all its payable violations. Bills are made when first shown and handed out again
while open (``_open_bills``). Paying either kind closes the other (payments rule 4), and the
paid-bill handler marks the violations paid here.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core import sql
from payments.constants import BillStatus
from payments.models import Bill, BillLine
from payments.services import BillLineSpec, bill_create, bills_close_for_item
from violations.constants import BILL_KIND, BILL_SERVICE_TYPE, ViolationStatus, item_key, item_key_pk
from violations.models import Violation

logger = logging.getLogger(__name__)


class ViolationNotPayableError(Exception):
    """A paid bill covers a violation that is no longer open: the payment goes to finance staff."""


@dataclass
class StatementBills:
    per_violation: dict[int, str] = field(default_factory=dict)  # violation pk -> billing number
    all: str | None = None


def _line(violation: Violation) -> BillLineSpec:
    return BillLineSpec(
        description_ar=f"مخالفة سير رقم {violation.number}: {violation.offence_ar}",
        description_en=f"Traffic violation {violation.number}: {violation.offence_en or violation.offence_ar}",
        amount=violation.amount,
        item_key=item_key(violation.pk),
        obj=violation,
    )


_OPEN_BILLS_SQL = (  # noqa: S608 (table and column names from the models; every value is a parameter)
    "SELECT line.{item_key}, line.{bill_id}, bill.{number},"
    " (SELECT COUNT(*) FROM {lines} other WHERE other.{bill_id} = line.{bill_id})"
    " FROM {lines} line INNER JOIN {bills} bill ON bill.{pk} = line.{bill_id}"
    " WHERE line.{item_key} IN ({{keys}}) AND bill.{kind} = %s AND bill.{status} = %s AND bill.{expires_at} > %s"
    " ORDER BY bill.{issued_at}, bill.{pk}"
).format(
    lines=BillLine._meta.db_table,
    bills=Bill._meta.db_table,
    item_key=BillLine._meta.get_field("item_key").column,
    bill_id=BillLine._meta.get_field("bill").column,
    pk=Bill._meta.pk.column,
    number=Bill._meta.get_field("billing_number").column,
    kind=Bill._meta.get_field("kind").column,
    status=Bill._meta.get_field("status").column,
    expires_at=Bill._meta.get_field("expires_at").column,
    issued_at=Bill._meta.get_field("issued_at").column,
)


def _open_bill_params() -> list:
    return [BILL_KIND, BillStatus.OPEN, timezone.now()]


def _open_bills(keys: list[str]) -> tuple[dict[str, str], str | None]:
    """Open, unexpired bills of this app that cover ``keys``, in one query on the indexed item key:
    the one-line bill of each item (newest wins) and the bill covering exactly all of them, if any.

    (payments.services.bill_open_for_items answers the second question too, but by counting the lines
    of every open bill of the kind; the statement is shown far more often than bills are paid, so it
    asks only about the lines of these violations.)
    """
    if not keys:
        return {}, None
    # Raw SQL, written once: the statement asks this on every showing, and building the same ORM query
    # (a correlated count) cost more than the rest of the look-up (issue 20, inquiry in one answer).
    with sql.cursor() as cursor:
        cursor.execute(_OPEN_BILLS_SQL.format(keys=", ".join(["%s"] * len(keys))), [*keys, *_open_bill_params()])
        rows = cursor.fetchall()
    singles: dict[str, str] = {}
    covered: dict[int, set[str]] = {}
    bills: dict[int, tuple[str, int]] = {}
    for key, bill_id, number, n_lines in rows:
        if n_lines == 1:
            singles[key] = number
        covered.setdefault(bill_id, set()).add(key)
        bills[bill_id] = (number, n_lines)
    wanted = set(keys)
    together = None
    for bill_id, (number, n_lines) in bills.items():  # oldest first: the newest match wins
        if n_lines == len(wanted) and covered[bill_id] == wanted:
            together = number
    return singles, together


def statement_bills(
    *, violations: list[Violation], payer, payer_name: str, organisation=None, title_ar: str, title_en: str
) -> StatementBills:
    """E-payment numbers for each payable violation and one for all of them, made on first showing.

    Existing open bills are read without locks (the usual case: constant queries). When something
    is missing, the payable violations are locked and the bills looked up again before any is made,
    so two people showing the same statement at once get the same numbers rather than two bills each.
    """
    payable = [v for v in violations if v.is_payable_now]
    if not payable:
        return StatementBills()
    keys = [item_key(v.pk) for v in payable]
    result = _existing_bills(payable, keys)
    if result is not None:
        return result
    with transaction.atomic():
        _lock_in_pk_order(payable)
        numbers, together = _open_bills(keys)
        result = StatementBills()
        common = {"payer": payer, "payer_name": payer_name, "organisation": organisation}
        for violation, key in zip(payable, keys, strict=True):
            number = numbers.get(key)
            if number is None:
                number = bill_create(
                    kind=BILL_KIND,
                    service_type=BILL_SERVICE_TYPE,
                    lines=[_line(violation)],
                    description_ar=f"مخالفة سير رقم {violation.number}",
                    description_en=f"Traffic violation {violation.number}",
                    **common,
                ).billing_number
            result.per_violation[violation.pk] = number
        if len(payable) == 1:
            # "All" is the one violation: the seed's statement shows the same number for both.
            result.all = result.per_violation[payable[0].pk]
        else:
            result.all = (
                together
                or bill_create(
                    kind=BILL_KIND,
                    service_type=BILL_SERVICE_TYPE,
                    lines=[_line(v) for v in payable],
                    description_ar=title_ar,
                    description_en=title_en,
                    **common,
                ).billing_number
            )
    return result


def _lock_in_pk_order(violations: list[Violation]) -> None:
    """Lock the violations' rows in the order of their keys, as every other lock on violations is taken (a
    payment applied, violations_bill_paid; the feed): two transactions that lock overlapping rows in different
    orders can deadlock, which PostgreSQL ends by failing one of them (a 503 for the person waiting)."""
    list(
        Violation.objects.select_for_update().filter(pk__in=[v.pk for v in violations]).order_by("pk").values_list("pk")
    )


def _existing_bills(payable: list[Violation], keys: list[str]) -> StatementBills | None:
    """Every number the statement needs, if all are already issued and open (one query); else None."""
    numbers, together = _open_bills(keys)
    if len(numbers) != len(keys):
        return None
    result = StatementBills(per_violation={v.pk: numbers[k] for v, k in zip(payable, keys, strict=True)})
    result.all = numbers[keys[0]] if len(payable) == 1 else together
    return result if result.all else None


def selection_bill(*, violations: list[Violation], payer, payer_name: str, organisation=None) -> Bill:
    """One bill for the violations a fleet manager selected (reused while open)."""
    payable = [v for v in violations if v.is_payable_now]
    if not payable:
        raise ValueError("no payable violation selected")
    keys = [item_key(v.pk) for v in payable]
    with transaction.atomic():
        _lock_in_pk_order(payable)
        _singles, together = _open_bills(keys)
        bill = Bill.objects.filter(billing_number=together).first() if together else None
        if bill is None:
            plates = sorted({v.vehicle.plate for v in payable if v.vehicle_id})
            bill = bill_create(
                kind=BILL_KIND,
                service_type=BILL_SERVICE_TYPE,
                lines=[_line(v) for v in payable],
                payer=payer,
                payer_name=payer_name,
                organisation=organisation,
                description_ar=f"مخالفات سير ({len(payable)}): {'، '.join(plates)}"[:300],
                description_en=f"Traffic violations ({len(payable)}): {', '.join(plates)}"[:300],
            )
    return bill


def bills_close_for_violation(*, violation: Violation, reason: str) -> int:
    return bills_close_for_item(item_key=item_key(violation.pk), reason=reason)


def violations_bill_paid(bill: Bill, payment) -> None:
    """payments' handler for paid bills of kind "violations": mark what it covered paid, here.

    Runs inside the payment's transaction. A violation that is no longer open (cancelled, or paid at
    a Traffic Department office since the bill was made) raises, so the payment is kept and queued for
    finance staff instead of being applied to nothing.
    """
    pks = [pk for pk in (item_key_pk(k) for k in bill.lines.values_list("item_key", flat=True)) if pk is not None]
    violations = list(Violation.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if len(violations) != len(pks):
        raise ViolationNotPayableError(f"bill {bill.billing_number}: some violations no longer exist")
    stale = [v.number for v in violations if v.status != ViolationStatus.OPEN]
    if stale:
        raise ViolationNotPayableError(f"bill {bill.billing_number}: violations {stale} are not open")
    # The bill's paid_at is the one "paid at" of a payment (payments.services.payment_paid_at).
    paid_at = bill.paid_at or timezone.now()
    now = timezone.now()
    for violation in violations:
        violation.status = ViolationStatus.PAID
        violation.paid_at = paid_at
        violation.paid_billing_number = bill.billing_number
        violation.updated_at = now
    Violation.objects.bulk_update(violations, ["status", "paid_at", "paid_billing_number", "updated_at"])
    logger.info("bill %s paid: violations %s marked paid", bill.billing_number, [v.number for v in violations])
