"""Seed 002's two 3-day rules, run by the shared deadline sweep with the clock frozen."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accidents.constants import ClaimStatus
from accidents.tests.factories import ClaimFactory, claim_data
from accidents.tests.files import letter_pdf, sketch_png
from accidents.workflow import claim_letter_upload, claim_submit
from accounts.party import Party
from payments.constants import BillStatus, PaymentReason, PaymentState
from payments.testing import pay_bill
from services.deadlines import deadlines_sweep
from services.models import ApplicationReminder

pytestmark = pytest.mark.django_db
S = ClaimStatus
START = timezone.make_aware(timezone.datetime(2026, 3, 1, 10, 0))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_an_unpaid_bill_cancels_the_claim_after_three_days_and_closes_the_bill(clock, sms):
    claim = ClaimFactory(awaiting_payment=True)
    bill = claim.bill
    clock.move_to(START + timedelta(days=3) - timedelta(minutes=1))
    deadlines_sweep()
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_PAYMENT

    clock.move_to(START + timedelta(days=3, minutes=1))
    result = deadlines_sweep()
    assert result.fired == 1
    claim.refresh_from_db()
    bill.refresh_from_db()
    assert claim.status == S.CANCELLED and claim.closed_at is not None
    assert bill.status == BillStatus.CLOSED
    assert claim.events.last().actor_kind == "system"
    assert claim.open_report_key is None
    assert claim.reference in sms(claim)[-1]
    # A second sweep finds nothing to do.
    assert deadlines_sweep().fired == 0


def test_a_payment_arriving_after_the_deadline_cancellation_goes_to_finance_staff(clock):
    claim = ClaimFactory(awaiting_payment=True)
    clock.move_to(START + timedelta(days=3, minutes=1))
    deadlines_sweep()
    payment = pay_bill(claim.bill)
    assert payment.state == PaymentState.QUEUED
    assert payment.reason in (PaymentReason.BILL_CLOSED, PaymentReason.BILL_EXPIRED)
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED


def test_paying_within_three_days_wins_over_the_sweep(clock):
    claim = ClaimFactory(paying_personally=True)
    clock.move_to(START + timedelta(days=2, hours=23))
    pay_bill(claim.bill)
    clock.move_to(START + timedelta(days=4))
    assert deadlines_sweep().fired == 0
    claim.refresh_from_db()
    assert claim.status == S.RELEASED


def test_no_insurer_letter_in_three_days_cancels_the_claim(clock, sms):
    claim = ClaimFactory(awaiting_letter=True)
    clock.move_to(START + timedelta(days=3, seconds=1))
    deadlines_sweep()
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED
    assert claim.bill is None
    assert claim.reference in sms(claim)[-1]


def test_a_letter_uploaded_in_time_stops_the_cancellation(clock):
    claim = ClaimFactory(awaiting_letter=True)
    clock.move_to(START + timedelta(days=2))
    claim_letter_upload(claim=claim, party=Party(user=claim.applicant), letter=letter_pdf())
    clock.move_to(START + timedelta(days=5))
    assert deadlines_sweep().fired == 0
    claim.refresh_from_db()
    assert claim.status == S.LETTER_REVIEW


def test_the_applicant_is_reminded_a_day_and_two_hours_before_each_deadline(clock, sms):
    claim = ClaimFactory(awaiting_payment=True)
    clock.move_to(START + timedelta(days=2, hours=1))
    assert deadlines_sweep().reminded == 1
    clock.move_to(START + timedelta(days=2, hours=22, minutes=30))
    assert deadlines_sweep().reminded == 1
    assert deadlines_sweep().reminded == 0
    assert sorted(
        ApplicationReminder.objects.filter(application_id=claim.pk).values_list("offset_hours", flat=True)
    ) == [
        2,
        24,
    ]


def test_after_a_deadline_cancellation_the_same_accident_can_be_claimed_again(clock):
    data = claim_data()
    claim = ClaimFactory(data=data, awaiting_payment=True)
    clock.move_to(START + timedelta(days=3, minutes=1))
    deadlines_sweep()
    again = claim_submit(party=Party(user=claim.applicant), data=data, sketch=sketch_png())
    assert again.status == S.SUBMITTED
