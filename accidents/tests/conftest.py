import pytest

from accounts.tests.factories import UserFactory
from notifications.models import Notification


@pytest.fixture
def staff(db):
    return UserFactory(staff=True)


@pytest.fixture
def sms(db):
    """The SMS texts stored for a claim, oldest first (the outbox backend stores, never sends)."""

    def texts(claim=None, *, user=None):
        qs = Notification.objects.order_by("created_at", "pk")
        if claim is not None:
            qs = qs.filter(application_id=claim.pk)
        if user is not None:
            qs = qs.filter(recipient=user)
        return list(qs.values_list("text", flat=True))

    return texts
