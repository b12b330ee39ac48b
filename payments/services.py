# Kept whole: bills, payments and their actions share one locking discipline; read together they show the money rules.
"""Every write of the payments app: issuing and closing bills, receiving and applying payments.

Views, the biller endpoints, the admin, reconciliation and Celery call these functions only.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.metrics import PAYMENTS_APPLIED, PAYMENTS_QUEUED
from notifications.outbox import notify
from payments.billing_numbers import billing_number_is_valid, billing_number_new
from payments.constants import (
    BILL_MOVES,
    BILLING_NUMBER_ATTEMPTS,
    DEFAULT_BILL_VALIDITY,
    MONEY_PLACES,
    BillStatus,
    PaymentReason,
    PaymentSource,
    PaymentState,
    ServiceType,
)
from payments.models import Bill, BillLine, Message, Payment, PaymentAction
from payments.registry import bill_handler_for

logger = logging.getLogger(__name__)

PAYER_NAME_MAX = 150  # eFAWATEERcom's CustName limit


class BillError(ValueError):
    """A bill cannot be made or changed as asked (a programming or data error of the caller)."""


class BillStateError(BillError):
    pass


class BillingNumberExhaustedError(RuntimeError):
    """Every attempt at a fresh billing number clashed: something other than chance is at work."""


class PaymentError(Exception):
    """A staff action on a payment cannot be done; the message is translated and shown to staff."""


@dataclass(frozen=True)
class BillLineSpec:
    description_ar: str
    description_en: str
    amount: Decimal
    item_key: str
    obj: models.Model | None = None


def money(value) -> Decimal:
    """A JOD amount with exactly 3 places. Floats are refused: they cannot hold fils exactly."""
    if isinstance(value, float):
        raise BillError("money must be Decimal, int or str, not float")
    amount = Decimal(value)
    if not amount.is_finite() or amount != amount.quantize(MONEY_PLACES):
        raise BillError(f"{value!r} is not a JOD amount with at most 3 decimal places")
    return amount.quantize(MONEY_PLACES)


# --- bills ------------------------------------------------------------------------------------


def _bill_move(*, bill: Bill, to_status: str, at: datetime, reason: str = "") -> None:
    """The one door for a bill's status; the caller holds the row lock."""
    if to_status not in BILL_MOVES[BillStatus(bill.status)]:
        raise BillStateError(f"bill {bill.billing_number}: {bill.status} -> {to_status} is not allowed")
    bill.status = to_status
    fields = ["status", "updated_at"]
    if to_status == BillStatus.PAID:
        bill.paid_at = at
        fields.append("paid_at")
    elif to_status == BillStatus.CLOSED:
        bill.closed_at = at
        bill.close_reason = reason[:300]
        fields += ["closed_at", "close_reason"]
    bill.save(update_fields=fields)


def bill_create(
    *,
    kind: str,
    service_type: str,
    lines: Iterable[BillLineSpec],
    payer_name: str,
    payer=None,
    organisation=None,
    expires_at: datetime | None = None,
    due_at: datetime | None = None,
    description_ar: str = "",
    description_en: str = "",
) -> Bill:
    """Issue a bill whose amount is the sum of ``lines``, under a fresh e-payment number.

    ``due_at`` defaults to ``expires_at`` (one-off bills are due until they expire), which defaults to
    30 days from now.
    """
    lines = list(lines)
    if not kind:
        raise BillError("kind is required")
    if service_type not in ServiceType.values:
        raise BillError(f"unknown service type {service_type!r}")
    if not lines:
        raise BillError("a bill needs at least one line")
    keys = [line.item_key for line in lines]
    if any(not key for key in keys) or len(set(keys)) != len(keys):
        raise BillError("every line needs its own non-empty item_key")
    amounts = [money(line.amount) for line in lines]
    if any(amount <= 0 for amount in amounts):
        raise BillError("line amounts must be positive")
    payer_name = (payer_name or "").strip()
    if not payer_name:
        raise BillError("payer_name is required")
    now = timezone.now()
    expires_at = expires_at or now + DEFAULT_BILL_VALIDITY
    if expires_at <= now:
        raise BillError("expires_at must be in the future")
    due_at = due_at or expires_at
    if due_at > expires_at:
        raise BillError("due_at must not be after expires_at")

    for _attempt in range(BILLING_NUMBER_ATTEMPTS):
        number = billing_number_new()
        try:
            with transaction.atomic():
                bill = Bill.objects.create(
                    billing_number=number,
                    kind=kind,
                    service_type=service_type,
                    amount=sum(amounts, Decimal("0.000")),
                    payer_name=payer_name[:PAYER_NAME_MAX],
                    payer=payer,
                    organisation=organisation,
                    description_ar=description_ar[:300],
                    description_en=description_en[:300],
                    issued_at=now,
                    due_at=due_at,
                    expires_at=expires_at,
                )
                BillLine.objects.bulk_create(
                    BillLine(
                        bill=bill,
                        position=position,
                        description_ar=spec.description_ar[:300],
                        description_en=spec.description_en[:300],
                        amount=amount,
                        item_key=spec.item_key,
                        content_type=ContentType.objects.get_for_model(spec.obj) if spec.obj is not None else None,
                        object_id=spec.obj.pk if spec.obj is not None else None,
                    )
                    for position, (spec, amount) in enumerate(zip(lines, amounts, strict=True))
                )
            return bill
        except IntegrityError as exc:
            # Only a clash on the random number is retried; any other integrity error is a real bug.
            if "billing_number" not in str(exc):
                raise
            logger.warning("billing number clash on %s, retrying", number)
    raise BillingNumberExhaustedError(f"{BILLING_NUMBER_ATTEMPTS} billing numbers in a row were taken")


def bill_open_for_items(*, kind: str, item_keys: Iterable[str]) -> Bill | None:
    """The open, unexpired bill of ``kind`` covering exactly ``item_keys``, to hand out again rather
    than issuing a second number for the same thing."""
    keys = set(item_keys)
    if not keys:
        return None
    return (
        Bill.objects.filter(kind=kind, status=BillStatus.OPEN, expires_at__gt=timezone.now())
        .annotate(
            n_lines=Count("lines"),
            n_matching=Count("lines", filter=Q(lines__item_key__in=keys)),
        )
        .filter(n_lines=len(keys), n_matching=len(keys))
        .order_by("-issued_at", "-pk")
        .first()
    )


def bill_close(*, bill: Bill, reason: str) -> Bill:
    """Close an open bill (bill pull then answers 323). Closing a closed or expired bill changes
    nothing; a paid bill cannot be closed."""
    with transaction.atomic():
        locked = Bill.objects.select_for_update().get(pk=bill.pk)
        if locked.status == BillStatus.PAID:
            raise BillStateError(f"bill {locked.billing_number} is paid and cannot be closed")
        if locked.status == BillStatus.OPEN:
            _bill_move(bill=locked, to_status=BillStatus.CLOSED, at=timezone.now(), reason=reason)
    return locked


def bills_close_for_item(*, item_key: str, reason: str, exclude: Bill | None = None) -> int:
    """Close every open bill with a line for ``item_key`` (e.g. the violation was cancelled or paid
    elsewhere). Returns how many were closed."""
    with transaction.atomic():
        ids = BillLine.objects.filter(item_key=item_key, bill__status=BillStatus.OPEN).values_list("bill_id", flat=True)
        bills = Bill.objects.select_for_update().filter(pk__in=list(ids), status=BillStatus.OPEN).order_by("pk")
        if exclude is not None:
            bills = bills.exclude(pk=exclude.pk)
        now = timezone.now()
        closed = 0
        for bill in bills:
            _bill_move(bill=bill, to_status=BillStatus.CLOSED, at=now, reason=reason)
            closed += 1
    return closed


def bills_expire(*, now: datetime | None = None) -> int:
    """Mark open bills past their expiry as expired (periodic; safe to run twice at once)."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        for bill in Bill.objects.select_for_update(skip_locked=True).filter(
            status=BillStatus.OPEN, expires_at__lte=now
        ):
            _bill_move(bill=bill, to_status=BillStatus.EXPIRED, at=now)
            expired += 1
    return expired


# --- payments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingPayment:
    """One transaction as eFAWATEERcom (or the settlement statement) reported it."""

    trx: str
    billing_number: str
    paid_amount: Decimal
    due_amount: Decimal | None = None
    fees_amount: Decimal | None = None
    fees_on_biller: bool = False
    service_type: str = ""
    biller_code: str = ""
    bank_trx_id: str = ""
    bank_code: str = ""
    pmt_status: str = ""
    payment_method: str = ""
    payment_type: str = ""
    access_channel: str = ""
    pmt_src: str = ""
    process_date: datetime | None = None
    stmt_date: date | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment
    created: bool  # False: a replay of a transaction already recorded; nothing changed

    @property
    def applied(self) -> bool:
        return self.payment.state == PaymentState.APPLIED


class _OwnerFailedError(Exception):
    def __init__(self, bill_id: int):
        self.bill_id = bill_id


def _lock_bill_and_overlaps(bill: Bill) -> Bill:
    """Lock the bill and every open bill sharing an item with it, in primary-key order so that two
    payments of overlapping bills cannot deadlock each other."""
    keys = BillLine.objects.filter(bill=bill).values("item_key")
    ids = set(
        BillLine.objects.filter(item_key__in=keys, bill__status=BillStatus.OPEN).values_list("bill_id", flat=True)
    )
    ids.add(bill.pk)
    locked = {b.pk: b for b in Bill.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return locked[bill.pk]


def _reason_not_applicable(*, bill: Bill | None, incoming: IncomingPayment) -> str:
    if bill is None:
        return PaymentReason.UNKNOWN_BILL
    if incoming.biller_code and incoming.biller_code != settings.EFAWATEERCOM_BILLER_CODE:
        return PaymentReason.BILLER_MISMATCH
    if bill.status == BillStatus.PAID:
        return PaymentReason.BILL_PAID
    if bill.status == BillStatus.CLOSED:
        return PaymentReason.BILL_CLOSED
    # A late notification for a payment made before expiry still counts: the bank took the money
    # while the bill was payable.
    paid_at = incoming.process_date or timezone.now()
    if bill.status == BillStatus.EXPIRED or paid_at >= bill.expires_at:
        return PaymentReason.BILL_EXPIRED
    if incoming.service_type and incoming.service_type != bill.service_type:
        return PaymentReason.SERVICE_TYPE_MISMATCH
    if incoming.paid_amount != bill.amount:
        return PaymentReason.AMOUNT_MISMATCH
    keys = BillLine.objects.filter(bill=bill).values("item_key")
    if BillLine.objects.filter(item_key__in=keys, bill__status=BillStatus.PAID).exclude(bill=bill).exists():
        return PaymentReason.ITEM_ALREADY_PAID
    return ""


def _payment_fields(incoming: IncomingPayment) -> dict:
    return {
        "trx": incoming.trx,
        "billing_number": incoming.billing_number[:64],
        "paid_amount": incoming.paid_amount,
        "due_amount": incoming.due_amount,
        "fees_amount": incoming.fees_amount,
        "fees_on_biller": incoming.fees_on_biller,
        "service_type": incoming.service_type[:40],
        "biller_code": incoming.biller_code[:20],
        "bank_trx_id": incoming.bank_trx_id[:64],
        "bank_code": incoming.bank_code[:20],
        "pmt_status": incoming.pmt_status[:20],
        "payment_method": incoming.payment_method[:20],
        "payment_type": incoming.payment_type[:40],
        "access_channel": incoming.access_channel[:40],
        "pmt_src": incoming.pmt_src[:40],
        "process_date": incoming.process_date,
        "stmt_date": incoming.stmt_date,
        "details": incoming.details,
    }


def payment_paid_at(payment: Payment) -> datetime:
    """When the payer paid: the bank's ProcessDate from eFAWATEERcom. This is the one "paid at" that every
    page, PDF, SMS and API answer shows (the bill's ``paid_at``); the notification's arrival is shown, where
    at all, as "recorded at". A payment without a ProcessDate (a settlement line), or with one after its
    arrival (a bank clock ahead of ours), was paid when it arrived."""
    if payment.process_date is not None and payment.process_date <= payment.received_at:
        return payment.process_date
    return payment.received_at


def payment_time_gap(payment: Payment):
    """How long before its arrival the bank says the payment was made (a timedelta, never negative)."""
    return payment.received_at - payment_paid_at(payment)


def _bill_pay(*, bill: Bill, payment: Payment, at: datetime) -> None:
    """Mark ``bill`` paid by ``payment``, close overlapping bills (rule 4) and tell the owner. The
    caller holds the locks and the transaction."""
    _bill_move(bill=bill, to_status=BillStatus.PAID, at=at)
    keys = list(BillLine.objects.filter(bill=bill).values_list("item_key", flat=True))
    overlapping_ids = set(
        BillLine.objects.filter(item_key__in=keys, bill__status=BillStatus.OPEN)
        .exclude(bill=bill)
        .values_list("bill_id", flat=True)
    )
    for other in Bill.objects.select_for_update().filter(pk__in=overlapping_ids, status=BillStatus.OPEN).order_by("pk"):
        _bill_move(
            bill=other,
            to_status=BillStatus.CLOSED,
            at=at,
            reason=f"overlaps paid bill {bill.billing_number}",
        )
    handler = bill_handler_for(bill.kind)
    if handler is None:
        logger.error("no handler registered for paid bill kind %r (bill %s)", bill.kind, bill.billing_number)
        raise _OwnerFailedError(bill.pk)
    try:
        handler(bill, payment)
    except Exception as exc:
        logger.exception("handler for bill kind %r failed on bill %s", bill.kind, bill.billing_number)
        raise _OwnerFailedError(bill.pk) from exc
    transaction.on_commit(lambda: _payment_received_sms(payment_id=payment.pk))


def payment_receive(
    *, incoming: IncomingPayment, message: Message | None = None, source: str = PaymentSource.NOTIFICATION
) -> PaymentOutcome:
    """Record one transaction exactly once and apply it to its bill when it can be.

    A replayed ``JOEBPPSTrx`` returns the stored payment and changes nothing (rule 1). A payment that
    cannot be applied is stored in full and queued for finance staff with its reason (rule 2). Applying
    it — payment, bill paid, overlapping bills closed, owner's handler — is one transaction (rule 3).
    """
    existing = Payment.objects.filter(trx=incoming.trx).first()
    if existing is not None:
        return PaymentOutcome(existing, False)
    try:
        with transaction.atomic():
            return _payment_receive_locked(incoming=incoming, message=message, source=source)
    except _OwnerFailedError as failure:
        # Everything of the attempt is rolled back; the money is still kept, for staff to resolve.
        with transaction.atomic():
            return _payment_store(
                incoming=incoming,
                message=message,
                source=source,
                bill=Bill.objects.filter(pk=failure.bill_id).first(),
                reason=PaymentReason.OWNER_FAILED,
            )


def _payment_store(*, incoming, message, source, bill, reason) -> PaymentOutcome:
    """Insert the payment row; a concurrent insert of the same transaction id wins and is returned."""
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                **_payment_fields(incoming),
                bill=bill,
                state=PaymentState.QUEUED if reason else PaymentState.APPLIED,
                reason=reason,
                source=source,
                message=message,
                applied_at=None if reason else timezone.now(),
            )
    except IntegrityError:
        existing = Payment.objects.filter(trx=incoming.trx).first()
        if existing is None:
            raise
        return PaymentOutcome(existing, False)
    if reason:
        PaymentAction.objects.create(payment=payment, action=PaymentAction.Action.QUEUED, bill=bill, note=reason)
        logger.warning("payment %s queued for staff: %s", payment.trx, reason)
        # Counted once the row is committed (an attempt rolled back is not a payment queued).
        transaction.on_commit(lambda: PAYMENTS_QUEUED.labels(reason=reason).inc())
    return PaymentOutcome(payment, True)


def _payment_receive_locked(*, incoming: IncomingPayment, message, source) -> PaymentOutcome:
    bill = None
    if billing_number_is_valid(incoming.billing_number):
        bill = Bill.objects.filter(billing_number=incoming.billing_number).first()
    if bill is not None:
        bill = _lock_bill_and_overlaps(bill)
        # Whoever held the lock before us may have recorded this very transaction.
        existing = Payment.objects.filter(trx=incoming.trx).first()
        if existing is not None:
            return PaymentOutcome(existing, False)
    reason = _reason_not_applicable(bill=bill, incoming=incoming)
    outcome = _payment_store(incoming=incoming, message=message, source=source, bill=bill, reason=reason)
    if outcome.created and not reason:
        _bill_pay(bill=bill, payment=outcome.payment, at=payment_paid_at(outcome.payment))
        transaction.on_commit(lambda: PAYMENTS_APPLIED.labels(by=str(source)).inc())
    return outcome


def payment_apply(*, payment: Payment, bill: Bill, actor, note: str = "") -> Payment:
    """Finance staff apply a queued payment to a bill (e.g. the payer used an old number and a new
    bill covers the same thing). The amounts must agree; the bill must be open or expired."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state != PaymentState.QUEUED:
            raise PaymentError(_("Only a payment waiting for staff can be applied."))
        bill = _lock_bill_and_overlaps(bill)
        if bill.status not in (BillStatus.OPEN, BillStatus.EXPIRED):
            raise PaymentError(_("This bill is already paid or closed."))
        if payment.paid_amount != bill.amount:
            raise PaymentError(
                _("The paid amount %(paid)s differs from the bill's amount %(due)s.")
                % {"paid": payment.paid_amount, "due": bill.amount}
            )
        keys = BillLine.objects.filter(bill=bill).values("item_key")
        if BillLine.objects.filter(item_key__in=keys, bill__status=BillStatus.PAID).exclude(bill=bill).exists():
            raise PaymentError(_("Something on this bill was already paid through another bill."))
        now = timezone.now()
        payment.bill = bill
        payment.state = PaymentState.APPLIED
        payment.applied_at = now
        payment.save(update_fields=["bill", "state", "applied_at"])
        PaymentAction.objects.create(
            payment=payment, action=PaymentAction.Action.APPLIED, actor=actor, bill=bill, note=note
        )
        try:
            _bill_pay(bill=bill, payment=payment, at=payment_paid_at(payment))
        except _OwnerFailedError as exc:
            raise PaymentError(_("The owning service could not record the payment; nothing was changed.")) from exc
        transaction.on_commit(lambda: PAYMENTS_APPLIED.labels(by="staff").inc())
    return payment


def payment_mark_refund(*, payment: Payment, actor, note: str = "") -> Payment:
    """Finance staff decide a queued payment is to be returned to the payer."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state != PaymentState.QUEUED:
            raise PaymentError(_("Only a payment waiting for staff can be marked for refund."))
        payment.state = PaymentState.REFUND
        payment.save(update_fields=["state"])
        PaymentAction.objects.create(payment=payment, action=PaymentAction.Action.REFUND, actor=actor, note=note)
    return payment


PAYMENT_RECEIVED_SMS = _(
    "Greater Amman Municipality: we received {amount} JOD for e-payment number {billing_number}. "
    "Your financial receipt is on the portal, where you follow your case. Thank you."
)


def _payment_received_sms(*, payment_id: int) -> None:
    """After commit: tell the payer. An SMS failure never touches the payment."""
    payment = Payment.objects.select_related("bill__payer").filter(pk=payment_id).first()
    if payment is None or payment.bill is None or payment.bill.payer is None:
        return
    try:
        notify(
            text=PAYMENT_RECEIVED_SMS,
            context={"amount": f"{payment.paid_amount:.3f}", "billing_number": payment.bill.billing_number},
            recipient=payment.bill.payer,
            dedupe_key=f"payments:{payment.pk}:received",
        )
    except Exception:
        logger.exception("payment %s: could not queue the payment SMS", payment_id)
