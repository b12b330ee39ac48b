"""The local simulator pays a bill over real HTTP against a live portal."""

import pytest
from django.core.management import CommandError

from payments.constants import BillStatus, PaymentReason
from payments.models import Payment
from payments.tests.factories import BillFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_simulator_pulls_then_pays_and_a_rerun_changes_nothing(simulator, owner):
    bill = BillFactory(lines=[("k", "42.125")])
    out = simulator(bill.billing_number, "--trx", "SIM-1")
    assert "BILPULRS" in out and "due 42.125 JOD" in out and "signature verified" in out
    assert "JOEBPPSTrx SIM-1: result 0" in out
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    out = simulator(bill.billing_number, "--trx", "SIM-1", "--amount", "42.125")
    assert "result 324" in out  # the bill pull now says paid
    assert Payment.objects.count() == 1 and len(owner.calls) == 1


def test_simulator_in_soap(simulator, owner):
    bill = BillFactory()
    out = simulator(bill.billing_number, "--soap")
    assert "BillPullResponse" in out and "ReceivePaymentNotificationResponse" in out
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID


def test_simulator_with_a_wrong_amount_gets_the_payment_queued(simulator, owner):
    bill = BillFactory(lines=[("k", "10.000")])
    simulator(bill.billing_number, "--amount", "9.000")
    assert Payment.objects.get().reason == PaymentReason.AMOUNT_MISMATCH


def test_simulator_refuses_a_mistyped_number(simulator):
    with pytest.raises(CommandError, match="check digit"):
        simulator("1000326480161")


def test_simulator_stops_when_the_bill_is_unknown(simulator):
    with pytest.raises(CommandError, match="401"):
        simulator("1000326480166", "--service-type", "TrafficViolations")


def test_simulator_says_what_to_do_when_the_portal_uses_other_keys(simulator, efawateercom, tmp_path):
    """Issue 18, item 14: its errors say what to do when the portal it talks to uses other keys."""
    from payments.efawateercom import keys

    stranger = tmp_path / "stranger.pem"
    stranger.write_bytes(keys.private_pem(keys.generate_private_key()))
    bill = BillFactory()
    with pytest.raises(CommandError, match="EFAWATEERCOM_PEER_PUBLIC_KEY") as refused:
        simulator(bill.billing_number, "--peer-key", str(stranger))
    assert "--peer-key" in str(refused.value)
    bill.refresh_from_db()
    assert bill.status == BillStatus.OPEN


def test_simulator_says_what_to_do_when_the_portal_has_another_biller_code(settings):
    from payments.efawateercom import protocol
    from payments.management.commands.efawateercom_pay import Command

    settings.EFAWATEERCOM_BILLER_CODE = "117"
    with pytest.raises(CommandError, match="EFAWATEERCOM_BILLER_CODE.*biller 117"):
        Command()._advise(protocol.Result.INVALID_SENDER_OR_RECEIVER)


def test_simulator_says_how_to_reach_the_portal(simulator):
    with pytest.raises(CommandError, match="cannot reach the portal"):
        simulator("1000326480166", "--url", "http://127.0.0.1:9")
