import pytest


@pytest.fixture
def staff(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(staff=True)


@pytest.fixture
def sms(db):
    """The SMS texts stored for a claim, oldest first (the outbox backend stores, never sends)."""
    from notifications.models import Notification

    def texts(claim=None, *, user=None):
        qs = Notification.objects.order_by("created_at", "pk")
        if claim is not None:
            qs = qs.filter(application_id=claim.pk)
        if user is not None:
            qs = qs.filter(recipient=user)
        return list(qs.values_list("text", flat=True))

    return texts
