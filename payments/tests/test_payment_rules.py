"""payment_receive and the staff actions: the rules of EFAWATEERCOM.md, without XML."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from payments.constants import BillStatus, PaymentReason, PaymentSource, PaymentState
from payments.models import Bill, Payment, PaymentAction
from payments.services import (
    IncomingPayment,
    PaymentError,
    payment_apply,
    payment_mark_refund,
    payment_receive,
)
from payments.tests.factories import BillFactory

pytestmark = pytest.mark.django_db


def incoming(bill=None, *, trx="T1", amount=None, number=None, **extra):
    return IncomingPayment(
        trx=trx,
        billing_number=number or bill.billing_number,
        paid_amount=Decimal(amount) if amount is not None else bill.amount,
        **extra,
    )


def test_payment_for_an_open_bill_is_applied_once(owner, django_capture_on_commit_callbacks, user):
    bill = BillFactory(payer=user)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = payment_receive(incoming=incoming(bill))
    assert outcome.created and outcome.applied
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.paid_at is not None
    assert owner.calls == [(bill.billing_number, "T1")]
    from notifications.models import Notification

    sms = Notification.objects.get(dedupe_key=f"payments:{outcome.payment.pk}:received")
    assert bill.billing_number in sms.text and "15.000" in sms.text


def test_replayed_notification_changes_nothing(owner):
    bill = BillFactory()
    first = payment_receive(incoming=incoming(bill))
    again = payment_receive(incoming=incoming(bill))
    assert not again.created and again.payment.pk == first.payment.pk
    assert owner.calls == [(bill.billing_number, "T1")]
    assert Payment.objects.count() == 1


def test_replay_with_different_content_still_changes_nothing(owner):
    bill = BillFactory()
    payment_receive(incoming=incoming(bill))
    again = payment_receive(incoming=incoming(bill, amount="1.000"))
    assert not again.created and again.payment.paid_amount == bill.amount


@pytest.mark.parametrize(
    ("trait", "reason"),
    [("paid", PaymentReason.BILL_PAID), ("closed", PaymentReason.BILL_CLOSED), ("expired", PaymentReason.BILL_EXPIRED)],
)
def test_payment_for_a_bill_that_is_not_open_is_queued(owner, trait, reason):
    bill = BillFactory(**{trait: True})
    outcome = payment_receive(incoming=incoming(bill))
    assert outcome.created and outcome.payment.state == PaymentState.QUEUED
    assert outcome.payment.reason == reason and outcome.payment.bill == bill
    assert owner.calls == []
    assert PaymentAction.objects.filter(payment=outcome.payment, action="queued").exists()


def test_payment_for_an_unknown_number_is_kept_and_queued(owner):
    outcome = payment_receive(incoming=incoming(number="1000326480166", amount="3.000"))
    payment = outcome.payment
    assert payment.state == PaymentState.QUEUED and payment.reason == PaymentReason.UNKNOWN_BILL
    assert payment.bill is None and payment.billing_number == "1000326480166"


def test_payment_with_a_number_failing_its_check_digit_is_kept(owner):
    bill = BillFactory()
    typo = bill.billing_number[:-1] + str((int(bill.billing_number[-1]) + 1) % 10)
    outcome = payment_receive(incoming=incoming(number=typo, amount="15.000"))
    assert outcome.payment.reason == PaymentReason.UNKNOWN_BILL


@pytest.mark.parametrize("amount", ["14.999", "15.001", "30.000", "0.000"])
def test_wrong_amount_is_queued_and_bill_stays_open(owner, amount):
    bill = BillFactory(lines=[("k", "15.000")])
    outcome = payment_receive(incoming=incoming(bill, amount=amount))
    assert outcome.payment.reason == PaymentReason.AMOUNT_MISMATCH
    bill.refresh_from_db()
    assert bill.status == BillStatus.OPEN


def test_other_service_type_is_queued(owner):
    bill = BillFactory()
    outcome = payment_receive(incoming=incoming(bill, service_type="PropertyDues"))
    assert outcome.payment.reason == PaymentReason.SERVICE_TYPE_MISMATCH


def test_other_biller_code_is_queued(owner):
    bill = BillFactory()
    outcome = payment_receive(incoming=incoming(bill, biller_code="999"))
    assert outcome.payment.reason == PaymentReason.BILLER_MISMATCH


def test_late_notification_for_payment_made_before_expiry_is_applied(owner):
    bill = BillFactory(expires_at=timezone.now() + timedelta(hours=1))
    paid_at = timezone.now() + timedelta(minutes=59)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        outcome = payment_receive(incoming=incoming(bill, process_date=paid_at))
    assert outcome.applied


def test_payment_made_after_expiry_is_queued(owner):
    bill = BillFactory(expires_at=timezone.now() + timedelta(hours=1))
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        outcome = payment_receive(incoming=incoming(bill))
    assert outcome.payment.reason == PaymentReason.BILL_EXPIRED


def test_paying_a_bill_closes_every_other_open_bill_sharing_an_item(owner):
    everything = BillFactory(lines=[("violation:1", "5"), ("violation:2", "7")])
    first = BillFactory(lines=[("violation:1", "5")])
    second = BillFactory(lines=[("violation:2", "7")])
    unrelated = BillFactory(lines=[("violation:3", "9")])
    payment_receive(incoming=incoming(first))
    statuses = dict(Bill.objects.values_list("pk", "status"))
    assert statuses[first.pk] == BillStatus.PAID
    assert statuses[everything.pk] == BillStatus.CLOSED
    assert statuses[second.pk] == statuses[unrelated.pk] == BillStatus.OPEN
    assert first.billing_number in Bill.objects.get(pk=everything.pk).close_reason
    # The "all violations" bill can no longer be paid: the same violation is never paid twice.
    late = payment_receive(incoming=incoming(everything, trx="T2"))
    assert late.payment.reason == PaymentReason.BILL_CLOSED


def test_item_paid_through_another_bill_is_not_paid_twice(owner):
    # Two open bills for one item can exist if they were issued while one was being paid.
    a = BillFactory(lines=[("violation:1", "5")])
    b = BillFactory(lines=[("violation:1", "5")])
    payment_receive(incoming=incoming(a))
    Bill.objects.filter(pk=b.pk).update(status=BillStatus.OPEN, closed_at=None)
    outcome = payment_receive(incoming=incoming(b, trx="T2"))
    assert outcome.payment.reason == PaymentReason.ITEM_ALREADY_PAID


def test_owner_failure_rolls_back_everything_and_keeps_the_money(owner):
    owner.fail = True
    bill = BillFactory(lines=[("violation:1", "5")])
    overlapping = BillFactory(lines=[("violation:1", "5"), ("violation:2", "5")])
    outcome = payment_receive(incoming=incoming(bill))
    assert outcome.payment.state == PaymentState.QUEUED and outcome.payment.reason == PaymentReason.OWNER_FAILED
    assert outcome.payment.bill == bill
    assert set(Bill.objects.values_list("status", flat=True)) == {BillStatus.OPEN}
    assert overlapping.pk


def test_bill_of_a_kind_without_handler_is_not_silently_paid():
    bill = BillFactory(kind="nobody")
    outcome = payment_receive(incoming=incoming(bill))
    assert outcome.payment.reason == PaymentReason.OWNER_FAILED
    bill.refresh_from_db()
    assert bill.status == BillStatus.OPEN


def test_handler_runs_inside_the_payment_transaction(owner):
    seen = {}

    def handler(bill, payment):
        from django.db import connection

        seen["in_atomic"] = connection.in_atomic_block
        seen["status"] = Bill.objects.get(pk=bill.pk).status

    owner.calls = []
    from payments.registry import temporary_bill_handler
    from payments.tests.factories import TEST_KIND

    with temporary_bill_handler(TEST_KIND, handler):
        payment_receive(incoming=incoming(BillFactory()))
    assert seen == {"in_atomic": True, "status": BillStatus.PAID}


def test_staff_apply_a_queued_payment_to_a_new_bill(owner, admin_user):
    old = BillFactory(lines=[("violation:1", "5")], closed=True)
    queued = payment_receive(incoming=incoming(old, amount="5.000")).payment
    new = BillFactory(lines=[("violation:1", "5")])
    payment = payment_apply(payment=queued, bill=new, actor=admin_user, note="paid the old number")
    new.refresh_from_db()
    assert payment.state == PaymentState.APPLIED and new.status == BillStatus.PAID
    assert owner.calls == [(new.billing_number, queued.trx)]
    action = payment.actions.get(action="applied")
    assert action.actor == admin_user and action.bill == new and action.note == "paid the old number"


def test_staff_can_apply_to_an_expired_bill(owner, admin_user):
    bill = BillFactory(expired=True)
    queued = payment_receive(incoming=incoming(bill)).payment
    payment_apply(payment=queued, bill=bill, actor=admin_user)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID


@pytest.mark.parametrize("trait", ["paid", "closed"])
def test_staff_cannot_apply_to_a_paid_or_closed_bill(owner, admin_user, trait):
    queued = payment_receive(incoming=incoming(number="1000326480166", amount="15.000")).payment
    with pytest.raises(PaymentError):
        payment_apply(payment=queued, bill=BillFactory(**{trait: True}), actor=admin_user)


def test_staff_cannot_apply_a_different_amount(owner, admin_user):
    queued = payment_receive(incoming=incoming(number="1000326480166", amount="3.000")).payment
    bill = BillFactory()
    with translation.override("ar"), pytest.raises(PaymentError, match="يختلف عن مبلغ الفاتورة"):
        payment_apply(payment=queued, bill=bill, actor=admin_user)
    queued.refresh_from_db()
    assert queued.state == PaymentState.QUEUED


def test_staff_apply_fails_cleanly_when_the_owner_fails(owner, admin_user):
    queued = payment_receive(incoming=incoming(number="1000326480166", amount="15.000")).payment
    bill = BillFactory()
    owner.fail = True
    with pytest.raises(PaymentError):
        payment_apply(payment=queued, bill=bill, actor=admin_user)
    queued.refresh_from_db()
    bill.refresh_from_db()
    assert queued.state == PaymentState.QUEUED and bill.status == BillStatus.OPEN
    assert not queued.actions.filter(action="applied").exists()


def test_staff_mark_for_refund_records_who(owner, admin_user):
    queued = payment_receive(incoming=incoming(number="1000326480166", amount="3.000")).payment
    payment = payment_mark_refund(payment=queued, actor=admin_user, note="no such bill; return to payer")
    assert payment.state == PaymentState.REFUND
    assert payment.actions.get(action="refund").actor == admin_user
    with pytest.raises(PaymentError):
        payment_mark_refund(payment=payment, actor=admin_user)


def test_applied_payment_cannot_be_applied_again(owner, admin_user):
    bill = BillFactory()
    payment = payment_receive(incoming=incoming(bill)).payment
    with pytest.raises(PaymentError):
        payment_apply(payment=payment, bill=BillFactory(), actor=admin_user)


def test_settlement_source_is_recorded(owner):
    bill = BillFactory()
    outcome = payment_receive(incoming=incoming(bill), source=PaymentSource.SETTLEMENT)
    assert outcome.payment.source == PaymentSource.SETTLEMENT
