import pytest

from payments.registry import temporary_bill_handler
from payments.tests.factories import TEST_KIND


class RecordingHandler:
    """An owner that remembers what it was told, and can be made to fail."""

    def __init__(self):
        self.calls = []
        self.fail = False

    def __call__(self, bill, payment):
        if self.fail:
            raise RuntimeError("owner is broken")
        self.calls.append((bill.billing_number, payment.trx))


@pytest.fixture
def owner():
    handler = RecordingHandler()
    with temporary_bill_handler(TEST_KIND, handler):
        yield handler


@pytest.fixture
def efawateercom(settings):
    """Signed requests with a generated key pair: returns the peer (eFAWATEERcom's side)."""
    from payments.testing import peer_for_tests, settings_for_tests

    for name, value in settings_for_tests().items():
        setattr(settings, name, value)
    return peer_for_tests()


@pytest.fixture
def simulator(efawateercom, live_server, tmp_path, capsys):
    """``simulator(number, *options)`` runs ``manage.py efawateercom_pay`` against the live server with
    the test keys and returns what it printed."""
    from django.core.management import call_command

    from payments.efawateercom import keys
    from payments.testing import keys_for_tests

    peer_key = tmp_path / "peer.pem"
    peer_key.write_bytes(keys.private_pem(keys_for_tests().peer_private))
    biller_public = tmp_path / "biller.pub.pem"
    biller_public.write_bytes(keys.public_pem(keys_for_tests().biller_public))

    def run(number, *extra):
        call_command(
            "efawateercom_pay",
            number,
            "--url",
            live_server.url,
            "--peer-key",
            str(peer_key),
            "--biller-public-key",
            str(biller_public),
            *extra,
        )
        return capsys.readouterr().out

    return run
