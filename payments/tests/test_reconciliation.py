from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.tests.factories import UserFactory
from payments.constants import BillStatus, PaymentReason, PaymentSource, PaymentState
from payments.models import Payment, SettlementLine
from payments.reconciliation import SettlementError, settlement_import
from payments.services import IncomingPayment, payment_receive
from payments.tests.factories import BillFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 22)


def notified(bill, trx, amount=None, day=DAY):
    return payment_receive(
        incoming=IncomingPayment(
            trx=trx, billing_number=bill.billing_number, paid_amount=amount or bill.amount, stmt_date=day
        )
    ).payment


def statement(*rows, header="JOEBPPSTrx,BillingNo,PaidAmt,STMTDate"):
    return ("\ufeff" + header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n").encode()


def outcomes(settlement):
    return {line.trx or line.line_number: line.outcome for line in settlement.lines.all()}


def test_statement_is_matched_lost_notifications_applied_and_differences_listed(owner):
    staff = UserFactory(staff=True)
    matched_bill, lost_bill, other_bill, missing_bill = (BillFactory() for _ in range(4))
    notified(matched_bill, "M1")
    notified(other_bill, "D1")
    notified(missing_bill, "GONE")
    data = statement(
        ("M1", matched_bill.billing_number, "15.000", "2026-11-22"),
        ("L1", lost_bill.billing_number, "15.000", "2026-11-22"),
        ("D1", other_bill.billing_number, "14.000", "2026-11-22"),
        ("X1", "1000326480166", "2.000", "2026-11-22"),
        ("BAD", lost_bill.billing_number, "abc", "2026-11-22"),
        ("M1", matched_bill.billing_number, "15.000", "2026-11-22"),
    )
    settlement = settlement_import(data=data, file_name="2026-11-22.csv", actor=staff)
    lines = list(settlement.lines.order_by("pk"))
    by_outcome = {}
    for line in lines:
        by_outcome.setdefault(line.outcome, []).append(line.trx)
    assert by_outcome[SettlementLine.Outcome.MATCHED] == ["M1"]
    assert by_outcome[SettlementLine.Outcome.RECOVERED] == ["L1"]
    assert by_outcome[SettlementLine.Outcome.MISMATCH] == ["D1"]
    assert by_outcome[SettlementLine.Outcome.RECOVERED_QUEUED] == ["X1"]
    assert by_outcome[SettlementLine.Outcome.INVALID] == ["BAD", "M1"]
    assert by_outcome[SettlementLine.Outcome.MISSING] == ["GONE"]
    lost = Payment.objects.get(trx="L1")
    assert lost.state == PaymentState.APPLIED and lost.source == PaymentSource.SETTLEMENT
    assert Payment.objects.get(trx="X1").reason == PaymentReason.UNKNOWN_BILL
    lost_bill.refresh_from_db()
    assert lost_bill.status == BillStatus.PAID
    assert owner.calls[-1] == (lost_bill.billing_number, "L1")
    mismatch = next(line for line in lines if line.trx == "D1")
    assert "14.000" in mismatch.note and "15.000" in mismatch.note
    assert (settlement.line_count, settlement.matched_count, settlement.recovered_count) == (6, 1, 2)
    assert settlement.problem_count == 5
    assert (settlement.first_day, settlement.last_day) == (DAY, DAY)


def test_same_statement_twice_is_refused():
    staff = UserFactory(staff=True)
    data = statement(("A", "1000326480166", "1.000", "2026-11-22"))
    settlement_import(data=data, file_name="a.csv", actor=staff)
    with translation.override("ar"), pytest.raises(SettlementError, match="هذا الكشف مستورد سابقاً"):
        settlement_import(data=data, file_name="a.csv", actor=staff)
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"JOEBPPSTrx,BillingNo\nA,1\n", "ينقص الكشفَ العمودان PaidAmt, STMTDate"),
        (b"JOEBPPSTrx,BillingNo,PaidAmt\nA,1,2\n", "ينقص الكشفَ العمود STMTDate"),
        (b"JOEBPPSTrx\nA\n", "ينقص الكشفَ الأعمدة BillingNo, PaidAmt, STMTDate"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"JOEBPPSTrx,BillingNo,PaidAmt,STMTDate\n", "لا يحتوي الكشف على أي سطر"),
    ],
)
def test_unreadable_statement_is_refused_whole(data, message):
    staff = UserFactory(staff=True)
    with translation.override("ar"), pytest.raises(SettlementError, match=message):
        settlement_import(data=data, file_name="x.csv", actor=staff)


def test_header_case_and_stmtdate_spelling_are_forgiven(owner):
    bill = BillFactory()
    data = statement(
        (bill.billing_number and "T", bill.billing_number, "15.000", "2026-11-22"),
        header="joebppstrx,billingno,paidamt,StmtDate",
    )
    settlement = settlement_import(data=data, file_name="x.csv", actor=UserFactory(staff=True))
    assert settlement.recovered_count == 1
    assert Payment.objects.get(trx="T").paid_amount == Decimal("15.000")
