import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from violations.models import InquiryLog
from violations.tests.factories import DrivingLicenceFactory, VehicleFactory

pytestmark = pytest.mark.django_db

BY_VEHICLE = reverse("violations:inquiry-vehicle")


def _guess(client, registration, plate_number="79210"):
    return client.post(
        BY_VEHICLE,
        {"plate_code": "10", "plate_number": plate_number, "registration_number": registration},
        HTTP_ACCEPT_LANGUAGE="ar",
    )


@pytest.fixture(autouse=True)
def _vehicle():
    VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")


def test_a_user_over_the_limit_gets_the_translated_429_page_and_no_lookup(settings, logged_in):
    settings.VIOLATIONS_RATE_USER = "3/h"
    answers = [_guess(logged_in, f"11{i}", plate_number=str(1000 + i)).status_code for i in range(4)]
    assert answers == [200, 200, 200, 429]
    assert InquiryLog.objects.count() == 3  # the blocked inquiry looked nothing up
    blocked = _guess(logged_in, "7702154")
    assert blocked.status_code == 429
    assert "429.html" in [t.name for t in blocked.templates]


def test_one_plate_is_limited_across_users(settings, client_for):
    settings.VIOLATIONS_RATE_SUBJECT = "2/h"
    clients = [client_for(UserFactory(), ip=f"10.0.1.{i}") for i in range(3)]
    assert [_guess(c, "1").status_code for c in clients] == [200, 200, 429]
    # Another plate is not affected.
    assert _guess(clients[2], "1", plate_number="12345").status_code == 200


def test_one_ip_address_is_limited_across_users(settings, client_for):
    settings.VIOLATIONS_RATE_IP = "2/h"
    clients = [client_for(UserFactory(), ip="10.9.9.9") for _ in range(3)]
    answers = [_guess(c, "1", plate_number=str(2000 + i)).status_code for i, c in enumerate(clients)]
    assert answers == [200, 200, 429]


def test_licence_inquiries_are_limited_per_licence_number_across_users(settings, client_for):
    settings.VIOLATIONS_RATE_SUBJECT = "2/h"
    DrivingLicenceFactory(number="10118254")
    clients = [client_for(UserFactory(), ip=f"10.0.2.{i}") for i in range(3)]
    url = reverse("violations:inquiry-licence")
    answers = [c.post(url, {"licence_number": "10118254"}).status_code for c in clients]
    assert answers == [302, 302, 429]
    assert InquiryLog.objects.filter(kind="licence").count() == 2
