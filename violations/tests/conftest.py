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
