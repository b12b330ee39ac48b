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
