import pytest

from accounts.tests.factories import UserFactory
from licensing.tests.factories import make_world
from notifications.models import Notification


@pytest.fixture
def staff(db):
    return UserFactory(staff=True)


@pytest.fixture
def sms(db):
    """The SMS texts stored for a request, oldest first (the outbox backend stores, never sends)."""

    def texts(application=None, *, user=None):
        qs = Notification.objects.order_by("created_at", "pk")
        if application is not None:
            qs = qs.filter(application_id=application.pk)
        if user is not None:
            qs = qs.filter(recipient=user)
        return list(qs.values_list("text", flat=True))

    return texts


@pytest.fixture
def world(db):
    """Bodies, professions, a holder with an active renewed licence, and three free future slots."""
    return make_world()
