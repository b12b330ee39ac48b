import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from violations.models import InquiryLog
from violations.tests.answers import FORM, STATEMENT, answer
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
    answers = [answer(_guess(logged_in, f"11{i}", plate_number=str(1000 + i))) for i in range(4)]
    assert answers == [FORM, FORM, FORM, 429]
    assert InquiryLog.objects.count() == 3  # the blocked inquiry looked nothing up
    blocked = _guess(logged_in, "7702154")
    assert blocked.status_code == 429
    assert "429.html" in [t.name for t in blocked.templates]


def test_one_plate_is_limited_across_users(settings, client_for):
    settings.VIOLATIONS_RATE_SUBJECT = "2/h"
    clients = [client_for(UserFactory(), ip=f"10.0.1.{i}") for i in range(3)]
    assert [answer(_guess(c, "1")) for c in clients] == [FORM, FORM, 429]
    # Another plate is not affected.
    assert answer(_guess(clients[2], "1", plate_number="12345")) == FORM


def test_one_ip_address_is_limited_across_users(settings, client_for):
    settings.VIOLATIONS_RATE_IP = "2/h"
    clients = [client_for(UserFactory(), ip="10.9.9.9") for _ in range(3)]
    answers = [answer(_guess(c, "1", plate_number=str(2000 + i))) for i, c in enumerate(clients)]
    assert answers == [FORM, FORM, 429]


def test_wrong_licence_details_are_limited_per_licence_number_across_users(settings, client_for):
    settings.VIOLATIONS_RATE_SUBJECT = "2/h"
    clients = [client_for(UserFactory(), ip=f"10.0.2.{i}") for i in range(3)]
    url = reverse("violations:inquiry-licence")
    answers = [answer(c.post(url, {"licence_number": "10118254"})) for c in clients]
    assert answers == [FORM, FORM, 429]
    assert InquiryLog.objects.filter(kind="licence").count() == 2
    # Another licence is not affected.
    DrivingLicenceFactory(number="10118255")
    assert answer(clients[2].post(url, {"licence_number": "10118255"})) == STATEMENT


def test_right_answers_spend_nothing_per_plate(settings, client_for):
    settings.VIOLATIONS_RATE_SUBJECT = "2/h"
    settings.VIOLATIONS_RATE_GUESS = "2/h"
    clients = [client_for(UserFactory(), ip=f"10.0.3.{i}") for i in range(4)]
    assert [answer(_guess(c, "7702154")) for c in clients] == [STATEMENT] * 4


def test_finding_5_a_strangers_wrong_guesses_do_not_block_the_owners_inquiry(client_for):
    stranger = client_for(UserFactory(), ip="10.0.5.1")
    answers = [answer(_guess(stranger, f"99{i:02d}")) for i in range(12)]
    assert answers == [FORM] * 10 + [429] * 2  # the stranger is stopped at this plate (VIOLATIONS_RATE_GUESS)
    owner = client_for(UserFactory(), ip="10.0.5.2")
    assert answer(_guess(owner, "7702154")) == STATEMENT
    # The stranger may still look up other plates (their own budget is per person and plate).
    assert answer(_guess(stranger, "1", plate_number="12345")) == FORM


def test_the_cap_per_plate_stops_guesses_spread_over_accounts_but_not_who_proved_the_plate(settings, client_for):
    settings.VIOLATIONS_RATE_SUBJECT = "3/h"
    owner = client_for(UserFactory(), ip="10.0.6.9")
    assert answer(_guess(owner, "7702154")) == STATEMENT
    strangers = [client_for(UserFactory(), ip=f"10.0.6.{i}") for i in range(4)]
    assert [answer(_guess(c, "1")) for c in strangers] == [FORM, FORM, FORM, 429]
    # A right number from someone new is refused too while the cap is spent (it would tell a guesser)...
    assert answer(_guess(strangers[3], "7702154")) == 429
    # ...but the owner, who proved the number before, is answered.
    assert answer(_guess(owner, "7702154")) == STATEMENT


def test_behind_the_tls_proxy_each_client_address_has_its_own_limit(settings, client_for):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    settings.VIOLATIONS_RATE_IP = "2/h"
    first, second = (client_for(UserFactory(), ip="10.0.0.5") for _ in range(2))
    via = {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}
    answers = [
        answer(
            first.post(
                BY_VEHICLE, {"plate_code": "10", "plate_number": str(3000 + i), "registration_number": "1"}, **via
            )
        )
        for i in range(3)
    ]
    assert answers == [FORM, FORM, 429]
    # Another client through the same proxy is not held by the first one's limit.
    other = second.post(
        BY_VEHICLE,
        {"plate_code": "10", "plate_number": "79210", "registration_number": "7702154"},
        HTTP_X_FORWARDED_FOR="203.0.113.2",
    )
    assert answer(other) == STATEMENT
    assert set(InquiryLog.objects.values_list("ip_address", flat=True)) == {"203.0.113.1", "203.0.113.2"}


def test_a_plates_wrong_guesses_are_counted_and_read_in_one_go_each(settings, rf, monkeypatch):
    """The fleet's check of a vehicle (violations.ratelimits.Guesses) counts the person's and everyone's wrong
    guesses for a plate together and reads them together: one round trip each on the portal's Redis."""
    from violations import ratelimits

    settings.VIOLATIONS_RATE_GUESS = "2/h"
    settings.VIOLATIONS_RATE_SUBJECT = "50/h"
    calls = []
    real = ratelimits.usages
    monkeypatch.setattr(
        ratelimits, "usages", lambda request, counts: calls.append(len(counts)) or real(request, counts)
    )
    request = rf.post(BY_VEHICLE, REMOTE_ADDR="10.7.7.7")
    request.user = UserFactory()
    guesses = ratelimits.Guesses(request)
    subject = "s" * 64
    assert not guesses.refused(subject)
    guesses.failed(subject)
    assert not guesses.refused(subject)
    guesses.failed(subject)
    assert guesses.refused(subject)  # the person's two wrong guesses used up
    assert calls == [2, 2, 2, 2, 2]
