"""Hypothesis: any sequence of notifications (duplicates, reorders, wrong amounts, unknown numbers,
overlapping bills) applies exactly the unique transactions that met an open bill with the right amount."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.constants import BillStatus, PaymentState
from payments.models import Bill, Payment
from payments.registry import temporary_bill_handler
from payments.services import IncomingPayment, payment_receive
from payments.tests.factories import TEST_KIND, BillFactory

pytestmark = pytest.mark.django_db

# Bills over items: 0 = {a, b} ("all violations"), 1 = {a}, 2 = {b}, 3 = {c}.
BILL_ITEMS = [("a", "b"), ("a",), ("b",), ("c",)]
AMOUNTS = {"a": Decimal("5.000"), "b": Decimal("7.500"), "c": Decimal("1.250")}

event = st.tuples(
    st.integers(min_value=0, max_value=len(BILL_ITEMS)),  # which bill; the last index is an unknown number
    st.integers(min_value=1, max_value=6),  # transaction id (small pool: many duplicates)
    st.sampled_from(["right", "right", "right", "less", "more"]),
)


class RollbackError(Exception):
    pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(event, min_size=1, max_size=14))
def test_notification_sequences_apply_each_unique_payment_once(events):
    handled = []
    try:
        with transaction.atomic(), temporary_bill_handler(TEST_KIND, lambda bill, payment: handled.append(bill.pk)):
            bills = [BillFactory(lines=[(f"item:{key}", AMOUNTS[key]) for key in items]) for items in BILL_ITEMS]
            # The model: what should happen, worked out without the database.
            status = {i: "open" for i in range(len(bills))}
            seen = {}
            expected_total = Decimal("0.000")
            for index, trx_id, kind in events:
                trx = f"trx-{trx_id}"
                bill = bills[index] if index < len(bills) else None
                due = bill.amount if bill else Decimal("9.999")
                amount = {"right": due, "less": due - Decimal("0.001"), "more": due + Decimal("1.000")}[kind]
                number = bill.billing_number if bill else "1000326480166"
                payment_receive(incoming=IncomingPayment(trx=trx, billing_number=number, paid_amount=amount))
                if trx in seen:
                    continue
                seen[trx] = amount
                if bill is not None and status[index] == "open" and kind == "right":
                    status[index] = "paid"
                    expected_total += amount
                    for other, items in enumerate(BILL_ITEMS):
                        if other != index and status[other] == "open" and set(items) & set(BILL_ITEMS[index]):
                            status[other] = "closed"

            payments = Payment.objects.all()
            applied = payments.filter(state=PaymentState.APPLIED)
            assert sum((p.paid_amount for p in applied), Decimal("0.000")) == expected_total
            # Never lost: every unique transaction is stored exactly once, with what it first said.
            assert {p.trx: p.paid_amount for p in payments} == seen
            # Never twice: a bill has at most one applied payment, an item at most one paid bill.
            assert len(handled) == len(set(handled)) == applied.count()
            actual = {i: Bill.objects.get(pk=b.pk).status for i, b in enumerate(bills)}
            assert actual == {i: BillStatus(s) for i, s in status.items()}
            paid_items = [k for i, items in enumerate(BILL_ITEMS) if actual[i] == "paid" for k in items]
            assert len(paid_items) == len(set(paid_items))
            raise RollbackError
    except RollbackError:
        pass
