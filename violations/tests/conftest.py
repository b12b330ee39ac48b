from decimal import Decimal

import pytest
from django.test import Client


@pytest.fixture
def client_for():
    """A logged-in test client (force_login until the accounts login flow is final)."""

    def make(user, *, organisation=None, ip="10.0.0.1"):
        client = Client(REMOTE_ADDR=ip)
        client.force_login(user)
        if organisation is not None:
            from accounts.party import SESSION_KEY

            session = client.session
            session[SESSION_KEY] = organisation.pk
            session.save()
        return client

    return make


@pytest.fixture
def logged_in(client_for, user):
    return client_for(user)


# The statement's vehicle and its three violations (test_statement, test_statement_state); other modules
# define their own ``vehicle``.
@pytest.fixture
def vehicle():
    from violations.tests.factories import VehicleFactory

    return VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")


@pytest.fixture
def three(vehicle):
    """Two payable violations and one the Traffic Department keeps for its offices."""
    from violations.tests.factories import ViolationFactory

    return [
        ViolationFactory(vehicle=vehicle, number="V-A", amount=Decimal("15.000"), location="Airport Road"),
        ViolationFactory(vehicle=vehicle, number="V-B", amount=Decimal("20.500")),
        ViolationFactory(vehicle=vehicle, number="V-C", amount=Decimal("50.000"), not_payable=True),
    ]
