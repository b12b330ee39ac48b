"""Money per day from its rollup (issue 20): every change of a bill, whoever writes it, is in the rollup in the
statement that makes it (PostgreSQL triggers); the nightly rebuild finds the rows right (it only folds each
day's changes into one row) and corrects them when they are not; the dashboard shows the same figures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Count, Sum

from payments.constants import BillStatus
from payments.models import Bill
from payments.registry import temporary_bill_handler
from payments.services import (
    BillLineSpec,
    IncomingPayment,
    bill_close,
    bill_create,
    bills_expire,
    payment_receive,
)
from performance.models import MoneyRollup
from performance.rollups import money_rebuild, money_wanted, rebuild
from performance.selectors import Period, money_per_day
from performance.tests.factories import at, make_bill

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the money rollup's triggers are PostgreSQL's"),
]
KIND = "licensing_fees"


def rollup_sums() -> dict[tuple, dict]:
    """The rollup's figures per (day, kind), whatever rows hold them."""
    rows = (
        MoneyRollup.objects.order_by()
        .values("day", "kind")
        .annotate(bills=Sum("bills"), billed=Sum("billed"), outstanding=Sum("outstanding"), paid=Sum("paid"))
    )
    out = {(r.pop("day"), r.pop("kind")): r for r in rows}
    return {key: values for key, values in out.items() if any(values.values())}


def issue(amount: str, key: str) -> Bill:
    line = BillLineSpec(description_ar="رسوم", description_en="Fees", amount=Decimal(amount), item_key=key)
    return bill_create(kind=KIND, service_type="ProfessionLicences", lines=[line], payer_name="test")


def pay(bill: Bill, trx: str) -> None:
    incoming = IncomingPayment(trx=trx, billing_number=bill.billing_number, paid_amount=bill.amount)
    assert payment_receive(incoming=incoming).payment.state == "applied"


def a_month_of_bills() -> None:
    """Bills issued, paid (also days later, and across midnight in Amman), closed, expired, and written directly."""
    with temporary_bill_handler(KIND, lambda bill, payment: None):
        for day in range(6):
            with time_machine.travel(at("2026-03-01 10:00") + timedelta(days=day), tick=False):
                paid_now, paid_later, closed, left = (issue(f"{day + n}.250", f"k{day}-{n}") for n in range(1, 5))
                pay(paid_now, f"T{day}a")
                bill_close(bill=closed, reason="replaced")
            with time_machine.travel(at("2026-03-01 23:30") + timedelta(days=day + 2), tick=False):
                pay(paid_later, f"T{day}b")
        with time_machine.travel(at("2026-04-15 10:00"), tick=False):
            assert bills_expire() == 6  # the ones left open
    make_bill(kind=KIND, amount="3.000", issued=at("2026-03-02 00:10"), paid=at("2026-03-02 01:00"))
    Bill.objects.filter(amount=Decimal("3.000")).update(description_en="only a description: no money moves")


def test_every_change_of_a_bill_is_in_the_rollup_in_its_statement():
    a_month_of_bills()
    assert rollup_sums() == money_wanted()
    assert MoneyRollup.objects.count() > len(money_wanted())  # changes, not yet folded


def test_the_rebuild_folds_the_changes_and_changes_no_figure():
    a_month_of_bills()
    period = Period(first=date(2026, 3, 1), last=date(2026, 3, 31))
    shown = money_per_day(period=period, kinds=["licensing"])
    assert sum(d.bills for d in shown) == 25 and sum(d.paid for d in shown) > 0

    changes = rebuild(today=date(2026, 4, 16))["money"]
    assert changes["added"] == changes["changed"] == changes["removed"] == 0 and changes["folded"] > 0
    assert MoneyRollup.objects.order_by().values("day", "kind").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    assert money_per_day(period=period, kinds=["licensing"]) == shown
    assert money_rebuild() == {"added": 0, "changed": 0, "removed": 0, "folded": 0}


def test_the_rebuild_corrects_wrong_rows():
    a_month_of_bills()
    right = money_wanted()
    MoneyRollup.objects.filter(day=date(2026, 3, 3)).delete()
    MoneyRollup.objects.create(kind=KIND, day=date(2026, 3, 4), paid=Decimal("1.000"))
    MoneyRollup.objects.create(kind=KIND, day=date(2020, 1, 1), bills=1, billed=Decimal("2.000"))

    changes = money_rebuild()
    assert changes["added"] == 1 and changes["changed"] == 1 and changes["removed"] == 1
    assert rollup_sums() == right


def test_a_payment_rolled_back_is_not_counted():
    with temporary_bill_handler(KIND, lambda bill, payment: None):
        bill = issue("12.500", "k")
        before = rollup_sums()
        with pytest.raises(RuntimeError), transaction.atomic():
            pay(bill, "T1")
            assert rollup_sums() != before
            raise RuntimeError("rolled back")
    assert rollup_sums() == before
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.OPEN
