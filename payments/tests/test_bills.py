from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import services
from payments.billing_numbers import billing_number_is_valid
from payments.constants import BillStatus, ServiceType
from payments.models import AmountChangeError, Bill
from payments.services import (
    BillError,
    BillingNumberExhaustedError,
    BillLineSpec,
    BillStateError,
    bill_close,
    bill_create,
    bill_open_for_items,
    bills_close_for_item,
    bills_expire,
)
from payments.tests.factories import TEST_KIND, BillFactory

pytestmark = pytest.mark.django_db


def _line(key, amount="5.000", obj=None):
    return BillLineSpec(
        description_ar="مخالفة", description_en="Violation", amount=Decimal(amount), item_key=key, obj=obj
    )


def test_bill_amount_is_the_sum_of_its_lines(user):
    bill = bill_create(
        kind=TEST_KIND,
        service_type=ServiceType.TRAFFIC_VIOLATIONS,
        lines=[_line("violation:1", "15.000"), _line("violation:2", "20.500"), _line("violation:3", "0.125")],
        payer_name=user.display_name,
        payer=user,
    )
    assert bill.amount == Decimal("35.625")
    assert bill.status == BillStatus.OPEN
    assert billing_number_is_valid(bill.billing_number)
    assert [line.item_key for line in bill.lines.all()] == ["violation:1", "violation:2", "violation:3"]
    assert bill.expires_at - bill.issued_at == timedelta(days=30)
    assert bill.due_at == bill.expires_at


def test_line_points_at_the_owners_object(user):
    bill = bill_create(
        kind=TEST_KIND,
        service_type=ServiceType.TRAFFIC_VIOLATIONS,
        lines=[_line(f"user:{user.pk}", obj=user)],
        payer_name="x",
    )
    assert bill.lines.get().obj == user


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one line"),
        ([_line("a"), _line("a")], "item_key"),
        ([_line("")], "item_key"),
        ([_line("a", "0.000")], "positive"),
        ([_line("a", "-1.000")], "positive"),
        ([_line("a", "1.0005")], "3 decimal"),
    ],
)
def test_bad_lines_are_refused(lines, message):
    with pytest.raises(BillError, match=message):
        bill_create(kind=TEST_KIND, service_type=ServiceType.TRAFFIC_VIOLATIONS, lines=lines, payer_name="x")
    assert not Bill.objects.exists()


def test_float_amounts_are_refused():
    with pytest.raises(BillError, match="float"):
        bill_create(
            kind=TEST_KIND,
            service_type=ServiceType.TRAFFIC_VIOLATIONS,
            lines=[BillLineSpec("a", "a", 1.5, "k")],
            payer_name="x",
        )


def test_unknown_service_type_is_refused():
    with pytest.raises(BillError, match="service type"):
        bill_create(kind=TEST_KIND, service_type="Parking", lines=[_line("a")], payer_name="x")


def test_expiry_in_the_past_is_refused():
    with pytest.raises(BillError, match="future"):
        bill_create(
            kind=TEST_KIND,
            service_type=ServiceType.ACCIDENT_DAMAGES,
            lines=[_line("a")],
            payer_name="x",
            expires_at=timezone.now() - timedelta(seconds=1),
        )


def test_long_payer_name_is_cut_to_efawateercom_limit():
    bill = BillFactory(payer_name="ا" * 200)
    assert len(bill.payer_name) == 150


def test_billing_number_clash_is_retried(monkeypatch):
    taken = BillFactory()
    fresh = "1000326480166"
    numbers = iter([taken.billing_number, taken.billing_number, fresh])
    monkeypatch.setattr(services, "billing_number_new", lambda: next(numbers))
    bill = BillFactory()
    assert bill.billing_number == fresh
    assert Bill.objects.count() == 2


def test_billing_number_retries_are_bounded(monkeypatch):
    taken = BillFactory()
    monkeypatch.setattr(services, "billing_number_new", lambda: taken.billing_number)
    with pytest.raises(BillingNumberExhaustedError), transaction.atomic():
        BillFactory()
    assert Bill.objects.count() == 1


def test_open_bill_amount_cannot_change_through_the_model():
    bill = BillFactory(lines=[("k", "10.000")])
    bill.amount = Decimal("11.000")
    with pytest.raises(AmountChangeError):
        bill.save()
    assert Bill.objects.get(pk=bill.pk).amount == Decimal("10.000")


def test_bill_amount_cannot_change_in_the_database_either():
    bill = BillFactory(lines=[("k", "10.000")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.filter(pk=bill.pk).update(amount=Decimal("1.000"))
    Bill.objects.filter(pk=bill.pk).update(amount=Decimal("10.000"), payer_name="same amount is fine")


@pytest.mark.parametrize(
    "change",
    [
        {"status": BillStatus.PAID},  # paid without paid_at
        {"paid_at": "now"},  # paid_at on an open bill
        {"status": BillStatus.CLOSED},  # closed without closed_at
        {"status": "lost"},
        {"billing_number": "12345"},
        {"expires_at": "issued"},
    ],
)
def test_status_rules_are_database_constraints(change):
    bill = BillFactory()
    now = timezone.now()
    values = {k: (now if v == "now" else bill.issued_at if v == "issued" else v) for k, v in change.items()}
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.filter(pk=bill.pk).update(**values)


def test_amount_must_be_positive_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        now = timezone.now()
        Bill.objects.create(
            billing_number="1000326480166",
            kind="x",
            service_type=ServiceType.PROPERTY_DUES,
            amount=Decimal("0.000"),
            payer_name="x",
            due_at=now + timedelta(days=1),
            expires_at=now + timedelta(days=1),
        )


def test_open_bill_for_the_same_items_is_reused():
    bill = BillFactory(lines=[("violation:1", "5"), ("violation:2", "7")])
    assert bill_open_for_items(kind=TEST_KIND, item_keys=["violation:2", "violation:1"]) == bill


def test_open_bill_for_a_different_set_of_items_is_not_reused():
    BillFactory(lines=[("violation:1", "5"), ("violation:2", "7")])
    assert bill_open_for_items(kind=TEST_KIND, item_keys=["violation:1"]) is None
    assert bill_open_for_items(kind=TEST_KIND, item_keys=["violation:1", "violation:2", "violation:3"]) is None
    assert bill_open_for_items(kind="other", item_keys=["violation:1", "violation:2"]) is None
    assert bill_open_for_items(kind=TEST_KIND, item_keys=[]) is None


@pytest.mark.parametrize("trait", ["paid", "closed", "expired"])
def test_bills_that_are_no_longer_open_are_not_reused(trait):
    BillFactory(lines=[("violation:1", "5")], **{trait: True})
    assert bill_open_for_items(kind=TEST_KIND, item_keys=["violation:1"]) is None


def test_open_bill_past_expiry_is_not_reused():
    bill = BillFactory(lines=[("violation:1", "5")])
    with time_machine.travel(bill.expires_at + timedelta(seconds=1)):
        assert bill_open_for_items(kind=TEST_KIND, item_keys=["violation:1"]) is None


def test_closing_a_bill_records_when_and_why():
    bill = bill_close(bill=BillFactory(), reason="violation cancelled")
    bill.refresh_from_db()
    assert bill.status == BillStatus.CLOSED and bill.closed_at and bill.close_reason == "violation cancelled"
    assert bill_close(bill=bill, reason="again").close_reason == "violation cancelled"


def test_a_paid_bill_cannot_be_closed():
    with pytest.raises(BillStateError):
        bill_close(bill=BillFactory(paid=True), reason="x")


def test_closing_for_an_item_closes_every_open_bill_with_it():
    all_bill = BillFactory(lines=[("violation:1", "5"), ("violation:2", "7")])
    one = BillFactory(lines=[("violation:1", "5")])
    other = BillFactory(lines=[("violation:2", "7")])
    paid = BillFactory(lines=[("violation:1", "5")], paid=True)
    assert bills_close_for_item(item_key="violation:1", reason="cancelled by the traffic department") == 2
    statuses = {b.pk: b.status for b in Bill.objects.all()}
    assert statuses[all_bill.pk] == statuses[one.pk] == BillStatus.CLOSED
    assert statuses[other.pk] == BillStatus.OPEN
    assert statuses[paid.pk] == BillStatus.PAID


def test_sweep_expires_open_bills_past_expiry_once():
    bill = BillFactory(expires_at=timezone.now() + timedelta(days=3))
    keep = BillFactory(expires_at=timezone.now() + timedelta(days=5))
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert bills_expire() == 1
        assert bills_expire() == 0
    bill.refresh_from_db()
    keep.refresh_from_db()
    assert bill.status == BillStatus.EXPIRED and keep.status == BillStatus.OPEN


def test_effective_status_shows_expiry_before_the_sweep():
    bill = BillFactory(expires_at=timezone.now() + timedelta(days=3))
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert bill.effective_status == BillStatus.EXPIRED
        assert not bill.is_payable()
