"""Daily settlement: match eFAWATEERcom's statement against the payments recorded here.

A line with no recorded payment is a lost notification and is applied now, exactly as if the
notification had arrived (``payment_receive`` with source "settlement"). Lines that differ from the
recorded payment, and recorded payments of the statement's days that are not on it, are listed for
finance staff.
"""

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import datetime_text
from payments.constants import PaymentSource
from payments.efawateercom import protocol
from payments.efawateercom.protocol import ProtocolError
from payments.models import Payment, SettlementImport, SettlementLine
from payments.services import IncomingPayment, payment_paid_at, payment_receive, payment_time_gap

COLUMNS = ("JOEBPPSTrx", "BillingNo", "PaidAmt", "STMTDate")
# A payment whose bank time is more than this before its notification's arrival is shown to finance staff.
LATE_NOTICE_MINUTES = 60
MAX_STATEMENT_BYTES = 20 * 1024 * 1024


class SettlementError(ValueError):
    """The file as a whole cannot be imported; the message is translated and shown to staff."""


@dataclass(frozen=True)
class _Row:
    line_number: int
    trx: str
    billing_number: str
    paid_amount: Decimal | None
    stmt_date: date | None
    problem: str


def _read_rows(data: bytes) -> list[_Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettlementError(_("The statement is not a UTF-8 CSV file.")) from None
    reader = csv.DictReader(io.StringIO(text))
    header = {(name or "").strip().lower(): name for name in (reader.fieldnames or [])}
    # eFAWATEERcom spells the day STMTDate or StmtDate; any case is accepted.
    missing = [column for column in COLUMNS if column.lower() not in header]
    if missing:
        raise SettlementError(
            ngettext(
                "The statement lacks the column %(columns)s. Expected: %(expected)s.",
                "The statement lacks the columns %(columns)s. Expected: %(expected)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
    rows = []
    for record in reader:
        line_number = reader.line_num
        value = {column: (record.get(header[column.lower()]) or "").strip() for column in COLUMNS}
        problem = ""
        amount = None
        try:
            amount = protocol.parse_amount(value["PaidAmt"], required=True)
        except ProtocolError:
            problem = _("The paid amount %(value)r is not a JOD amount.") % {"value": value["PaidAmt"][:20]}
        stmt_date = protocol.parse_date(value["STMTDate"])
        if stmt_date is None and not problem:
            problem = _("The settlement day %(value)r is not a date (YYYY-MM-DD).") % {"value": value["STMTDate"][:20]}
        if not value["JOEBPPSTrx"] or len(value["JOEBPPSTrx"]) > 64 or not value["BillingNo"]:
            problem = _("The line lacks JOEBPPSTrx or BillingNo.")
        rows.append(_Row(line_number, value["JOEBPPSTrx"][:64], value["BillingNo"][:64], amount, stmt_date, problem))
    return rows


def settlement_import(*, data: bytes, file_name: str, actor) -> SettlementImport:
    """Import one statement. The same file twice is refused (its lines were already matched)."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise SettlementError(_("The statement is larger than 20 MB."))
    digest = hashlib.sha256(data).hexdigest()
    if SettlementImport.objects.filter(sha256=digest).exists():
        raise SettlementError(_("This statement was already imported."))
    rows = _read_rows(data)
    if not rows:
        raise SettlementError(_("The statement has no lines."))

    with transaction.atomic():
        days = sorted({row.stmt_date for row in rows if row.stmt_date})
        settlement = SettlementImport.objects.create(
            file_name=file_name[:200],
            sha256=digest,
            uploaded_by=actor,
            first_day=days[0] if days else None,
            last_day=days[-1] if days else None,
            line_count=len(rows),
        )
        seen = set()
        lines = []
        for row in rows:
            fields = {
                "settlement": settlement,
                "line_number": row.line_number,
                "trx": row.trx,
                "billing_number": row.billing_number,
                "paid_amount": row.paid_amount,
                "stmt_date": row.stmt_date,
            }
            if row.problem:
                lines.append(SettlementLine(**fields, outcome=SettlementLine.Outcome.INVALID, note=row.problem[:300]))
                continue
            if row.trx in seen:
                lines.append(
                    SettlementLine(
                        **fields,
                        outcome=SettlementLine.Outcome.INVALID,
                        note=_("The same JOEBPPSTrx appears twice in the statement."),
                    )
                )
                continue
            seen.add(row.trx)
            lines.append(_settle_row(row, fields))
        for payment in (
            Payment.objects.filter(source=PaymentSource.NOTIFICATION, stmt_date__in=days)
            .exclude(trx__in=seen)
            .order_by("stmt_date", "received_at")
        ):
            lines.append(
                SettlementLine(
                    settlement=settlement,
                    trx=payment.trx,
                    billing_number=payment.billing_number,
                    paid_amount=payment.paid_amount,
                    stmt_date=payment.stmt_date,
                    payment=payment,
                    outcome=SettlementLine.Outcome.MISSING,
                    note=_("Notified by eFAWATEERcom but not in its settlement statement."),
                )
            )
        SettlementLine.objects.bulk_create(lines)
        outcomes = [line.outcome for line in lines]
        settlement.matched_count = outcomes.count(SettlementLine.Outcome.MATCHED)
        settlement.recovered_count = outcomes.count(SettlementLine.Outcome.RECOVERED) + outcomes.count(
            SettlementLine.Outcome.RECOVERED_QUEUED
        )
        settlement.problem_count = sum(
            outcomes.count(o)
            for o in (
                SettlementLine.Outcome.MISMATCH,
                SettlementLine.Outcome.LATE,
                SettlementLine.Outcome.MISSING,
                SettlementLine.Outcome.INVALID,
                SettlementLine.Outcome.RECOVERED_QUEUED,
            )
        )
        settlement.save(update_fields=["matched_count", "recovered_count", "problem_count"])
    return settlement


def _settle_row(row: _Row, fields: dict) -> SettlementLine:
    payment = Payment.objects.filter(trx=row.trx).first()
    if payment is None:
        # A lost notification: the money moved, so it is recorded now, as if it had just arrived.
        outcome = payment_receive(
            incoming=IncomingPayment(
                trx=row.trx,
                billing_number=row.billing_number,
                paid_amount=row.paid_amount,
                stmt_date=row.stmt_date,
                details={"settlement_line": row.line_number},
            ),
            source=PaymentSource.SETTLEMENT,
        )
        if outcome.applied:
            return SettlementLine(**fields, payment=outcome.payment, outcome=SettlementLine.Outcome.RECOVERED)
        return SettlementLine(
            **fields,
            payment=outcome.payment,
            outcome=SettlementLine.Outcome.RECOVERED_QUEUED,
            note=outcome.payment.get_reason_display()[:300],
        )
    differences = []
    if payment.billing_number != row.billing_number:
        differences.append(
            _("e-payment number %(statement)s in the statement, %(recorded)s recorded")
            % {"statement": row.billing_number, "recorded": payment.billing_number}
        )
    if payment.paid_amount != row.paid_amount:
        differences.append(
            _("amount %(statement)s in the statement, %(recorded)s recorded")
            % {"statement": row.paid_amount, "recorded": payment.paid_amount}
        )
    if payment.stmt_date and payment.stmt_date != row.stmt_date:
        differences.append(
            _("settlement day %(statement)s in the statement, %(recorded)s recorded")
            % {"statement": row.stmt_date, "recorded": payment.stmt_date}
        )
    if differences:
        return SettlementLine(
            **fields, payment=payment, outcome=SettlementLine.Outcome.MISMATCH, note="; ".join(differences)[:300]
        )
    late_after = getattr(settings, "EFAWATEERCOM_LATE_NOTICE_MINUTES", LATE_NOTICE_MINUTES)
    if payment_time_gap(payment).total_seconds() > late_after * 60:
        note = _("paid at the bank %(paid)s, notification recorded %(recorded)s") % {
            "paid": datetime_text(payment_paid_at(payment)),
            "recorded": datetime_text(payment.received_at),
        }
        return SettlementLine(**fields, payment=payment, outcome=SettlementLine.Outcome.LATE, note=note[:300])
    return SettlementLine(**fields, payment=payment, outcome=SettlementLine.Outcome.MATCHED)
