"""Real threads against PostgreSQL: the database settles races, not luck."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from payments.constants import BillStatus, PaymentReason, PaymentState
from payments.efawateercom import protocol
from payments.models import Bill, Message, Payment
from payments.tests.factories import BillFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL: SQLite serialises all writers")


def run_at_once(jobs):
    """Start every job at the same moment on its own thread (and DB connection); return results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)
    errors = []

    def worker(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def post(raw):
    return Client().post(protocol.PAYMENT_NOTIFICATION_PATH, data=raw, content_type=protocol.CONTENT_TYPE)


def test_same_notification_ten_times_at_once_is_applied_once(efawateercom, owner):
    bill = BillFactory()
    _guid, raw = efawateercom.payment_notification(
        billing_number=bill.billing_number, trx="T-10", paid_amount=bill.amount, service_type=bill.service_type
    )
    responses = run_at_once([lambda: post(raw)] * 10)
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1, "every retry gets the stored answer"
    assert efawateercom.read(responses[0].content)[0].code == protocol.Result.SUCCESS
    assert Payment.objects.count() == 1 and Message.objects.count() == 1
    assert owner.calls == [(bill.billing_number, "T-10")]
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.PAID


def test_same_transaction_under_ten_guids_at_once_is_applied_once(efawateercom, owner):
    bill = BillFactory()
    raws = [
        efawateercom.payment_notification(
            billing_number=bill.billing_number, trx="T-G", paid_amount=bill.amount, service_type=bill.service_type
        )[1]
        for _ in range(10)
    ]
    responses = run_at_once([lambda raw=raw: post(raw) for raw in raws])
    assert all(efawateercom.read(r.content)[0].code == protocol.Result.SUCCESS for r in responses)
    assert Payment.objects.count() == 1 and Message.objects.count() == 10
    assert owner.calls == [(bill.billing_number, "T-G")]


def test_same_transaction_for_an_unknown_bill_at_once_is_stored_once(efawateercom, owner):
    raws = [
        efawateercom.payment_notification(
            billing_number="1000326480166", trx="T-U", paid_amount=Decimal("3.000"), service_type="PropertyDues"
        )[1]
        for _ in range(8)
    ]
    run_at_once([lambda raw=raw: post(raw) for raw in raws])
    payment = Payment.objects.get()
    assert payment.state == PaymentState.QUEUED and payment.reason == PaymentReason.UNKNOWN_BILL


def test_ten_different_payments_of_one_bill_at_once_pay_it_once(efawateercom, owner):
    bill = BillFactory()
    raws = [
        efawateercom.payment_notification(
            billing_number=bill.billing_number, trx=f"T-{i}", paid_amount=bill.amount, service_type=bill.service_type
        )[1]
        for i in range(10)
    ]
    run_at_once([lambda raw=raw: post(raw) for raw in raws])
    assert Payment.objects.filter(state=PaymentState.APPLIED).count() == 1
    assert Payment.objects.filter(state=PaymentState.QUEUED, reason=PaymentReason.BILL_PAID).count() == 9
    assert len(owner.calls) == 1


def test_overlapping_bills_paid_at_once_never_pay_an_item_twice(efawateercom, owner):
    everything = BillFactory(lines=[("violation:1", "5.000"), ("violation:2", "7.000")])
    first = BillFactory(lines=[("violation:1", "5.000")])
    second = BillFactory(lines=[("violation:2", "7.000")])
    raws = [
        efawateercom.payment_notification(
            billing_number=bill.billing_number,
            trx=f"T-{bill.pk}",
            paid_amount=bill.amount,
            service_type=bill.service_type,
        )[1]
        for bill in (everything, first, second, everything, first, second)
    ]
    run_at_once([lambda raw=raw: post(raw) for raw in raws])
    paid = Bill.objects.filter(status=BillStatus.PAID)
    paid_items = [key for bill in paid for key in bill.lines.values_list("item_key", flat=True)]
    assert sorted(paid_items) in (["violation:1", "violation:2"],)
    assert len(paid_items) == len(set(paid_items))
    assert Payment.objects.count() == 3  # three distinct transactions, each stored once


def test_same_bill_pull_ten_times_at_once_is_answered_the_same_and_kept_once(efawateercom, owner):
    bill = BillFactory()
    _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)

    def pull():
        return Client().post(protocol.BILL_PULL_PATH, data=raw, content_type=protocol.CONTENT_TYPE)

    responses = run_at_once([pull] * 10)
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1, "a retried GUID gets the stored answer, byte for byte"
    assert efawateercom.read(responses[0].content)[0].code == protocol.Result.SUCCESS
    assert Message.objects.filter(kind="bill_pull").count() == 1
