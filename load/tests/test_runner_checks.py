"""The load run's final checks catch what they are there to catch (a harness that cannot fail proves nothing)."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from load.gateway import SmsGateway
from load.runner import Scenario, Sent, check
from load.seed import Seeded, Target
from payments.registry import temporary_bill_handler
from payments.testing import pay_bill
from payments.tests.factories import TEST_KIND, BillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway():
    with SmsGateway() as gw:
        yield gw


def _scenario(bills):
    seeded = Seeded(targets=[Target(b.billing_number, b.amount, b.service_type) for b in bills])
    return Scenario(port=0, seeded=seeded, peer=None, rng=None, recorder=None)


def _failed(checks) -> set[str]:
    return {c.name for c in checks if not c.ok}


def test_every_check_passes_when_each_payment_and_sms_happened_once(gateway, django_capture_on_commit_callbacks):
    payer = UserFactory()
    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None):
        bill = BillFactory(payer=payer, lines=[("load-check:1", Decimal("5.000"))])
        with django_capture_on_commit_callbacks(execute=True):
            payment = pay_bill(bill)
    scenario = _scenario([bill])
    scenario.sent[payment.trx] = Sent(payment.trx, bill.billing_number, b"", confirmed=True)
    from notifications.models import Notification

    sms = Notification.objects.get(dedupe_key=f"payments:{payment.pk}:received")
    gateway.delivered[f"n{sms.pk}"] = gateway.attempts[f"n{sms.pk}"] = 1
    # The violations check counts violations; a test bill covers none, so it expects its one line.
    assert _failed(check(scenario, gateway)) == {"violations paid by those bills"}


def test_a_lost_payment_and_a_doubled_sms_fail_the_run(gateway, django_capture_on_commit_callbacks):
    payer = UserFactory()
    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None):
        bill = BillFactory(payer=payer, lines=[("load-check:2", Decimal("5.000"))])
        with django_capture_on_commit_callbacks(execute=True):
            payment = pay_bill(bill)
    scenario = _scenario([bill])
    scenario.sent[payment.trx] = Sent(payment.trx, bill.billing_number, b"", confirmed=True)
    scenario.sent["lost-1"] = Sent("lost-1", bill.billing_number, b"", confirmed=True)  # never recorded
    from notifications.models import Notification

    sms = Notification.objects.get(dedupe_key=f"payments:{payment.pk}:received")
    gateway.delivered[f"n{sms.pk}"] = 1
    gateway.attempts[f"n{sms.pk}"] = 2  # the gateway was asked twice
    failed = _failed(check(scenario, gateway))
    assert "payments sent (distinct JOEBPPSTrx) = recorded" in failed
    assert "payments applied" in failed
    assert "SMS gateway requests (no duplicates)" in failed
