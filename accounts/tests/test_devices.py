"""My devices (/accounts/devices/): a person sees where they are signed in and signs any of it out."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserSession
from accounts.sessions import device_name
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import reauthenticate
from api.models import ApiToken

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/125.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def _sign_in(user, user_agent: str = ANDROID_CHROME, address: str = "203.0.113.7") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": user.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _session_id(user, user_agent: str) -> str:
    return f"session-{UserSession.objects.get(user=user, user_agent=user_agent).pk}"


def test_device_names_come_from_the_user_agent():
    assert device_name(ANDROID_CHROME) == "Chrome Mobile — Android"
    assert device_name(IPHONE_SAFARI) == "Mobile Safari — iOS"
    assert device_name("") == ""


def test_signing_in_records_the_browser_and_signing_out_forgets_it(user):
    client = _sign_in(user)
    session = UserSession.objects.get(user=user)
    assert session.device == "Chrome Mobile — Android"
    assert session.ip_address == "203.0.113.7"
    assert session.session_key == client.session.session_key
    client.post(reverse("account_logout"))
    assert not UserSession.objects.filter(user=user).exists()


def test_the_page_lists_sessions_and_app_tokens_and_marks_this_one(user):
    phone = _sign_in(user, IPHONE_SAFARI)
    here = _sign_in(user)
    token, _raw = ApiToken.issue(user=user, device="Galaxy A54")
    ApiToken.issue(user=UserFactory(), device="Someone else's phone")

    response = here.get(reverse("accounts:devices"))
    assert response.status_code == 200
    devices = response.context["devices"]
    assert [device.id for device in devices][0] == _session_id(user, ANDROID_CHROME)
    assert devices[0].current and not any(device.current for device in devices[1:])
    assert {device.id for device in devices} == {
        _session_id(user, ANDROID_CHROME),
        _session_id(user, IPHONE_SAFARI),
        f"app-{token.pk}",
    }
    page = response.content.decode()
    assert "Mobile Safari — iOS" in page and "Galaxy A54" in page and "203.0.113.7" in page
    assert "Someone else" not in page
    assert phone.get(reverse("accounts:devices")).context["devices"][0].name == "Mobile Safari — iOS"


def test_the_profile_links_to_the_devices(client, user):
    client.force_login(user)
    assert reverse("accounts:devices") in client.get(reverse("accounts:profile")).content.decode()


def test_signing_out_another_device_asks_for_the_password_first(user):
    phone = _sign_in(user, IPHONE_SAFARI)
    here = _sign_in(user)
    url = reverse("accounts:device-sign-out", args=[_session_id(user, IPHONE_SAFARI)])
    response = here.post(url)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert phone.get(reverse("accounts:profile")).status_code == 200
    # allauth replays the suspended sign-out once the password is given.
    resumed = here.post(response["Location"], {"password": PASSWORD})
    assert resumed["Location"] == reverse("accounts:devices")
    assert phone.get(reverse("accounts:profile")).status_code == 302


def test_signing_out_another_browser_ends_its_session(user):
    phone = _sign_in(user, IPHONE_SAFARI)
    here = _sign_in(user)
    reauthenticate(here)
    response = here.post(reverse("accounts:device-sign-out", args=[_session_id(user, IPHONE_SAFARI)]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:devices")
    assert phone.get(reverse("accounts:profile")).status_code == 302
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert UserSession.objects.filter(user=user).count() == 1


def test_signing_out_an_app_token_revokes_it(user):
    here = _sign_in(user)
    token, raw = ApiToken.issue(user=user, device="Galaxy A54")
    reauthenticate(here)
    here.post(reverse("accounts:device-sign-out", args=[f"app-{token.pk}"]))
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401


def test_signing_out_this_browser_signs_out(user):
    here = _sign_in(user)
    response = here.post(reverse("accounts:device-sign-out", args=[_session_id(user, ANDROID_CHROME)]))
    assert response["Location"] == reverse("account_login")
    assert here.get(reverse("accounts:profile")).status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_someone_elses_session_or_token_is_404(user, other_user):
    here = _sign_in(user)
    stranger = _sign_in(other_user, IPHONE_SAFARI)
    token, raw = ApiToken.issue(user=other_user, device="Their phone")
    reauthenticate(here)
    for device_id in (_session_id(other_user, IPHONE_SAFARI), f"app-{token.pk}", "session-0", "nothing-1", "app-x"):
        assert here.post(reverse("accounts:device-sign-out", args=[device_id])).status_code == 404
    assert stranger.get(reverse("accounts:profile")).status_code == 200
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 200


def test_signing_out_a_device_needs_a_post_with_the_csrf_token(user):
    phone = _sign_in(user, IPHONE_SAFARI)
    here = Client(enforce_csrf_checks=True)
    here.force_login(user)
    url = reverse("accounts:device-sign-out", args=[_session_id(user, IPHONE_SAFARI)])
    assert here.get(url).status_code == 405
    assert here.post(url).status_code == 403
    assert phone.get(reverse("accounts:profile")).status_code == 200


def test_last_use_is_written_at_most_once_a_minute(user):
    client = _sign_in(user)
    row = UserSession.objects.get(user=user)
    start = row.last_seen_at
    with time_machine.travel(start + timedelta(seconds=30)):
        client.get(reverse("accounts:profile"))
    row.refresh_from_db()
    assert row.last_seen_at == start
    later = start + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        client.get(reverse("accounts:profile"))
    row.refresh_from_db()
    assert row.last_seen_at == later


def test_a_page_within_the_minute_asks_nothing_of_the_devices_table(user):
    """Issue 20: every signed-in page paid a SELECT for "My devices"; within the minute it is remembered."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _sign_in(user)
    client.get(reverse("accounts:profile"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("accounts:profile"))
    assert not [q for q in queries.captured_queries if "accounts_usersession" in q["sql"]]


def test_the_row_follows_the_session_when_its_key_changes(user):
    client = _sign_in(user)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Jerash-columns-77", "password2": "Jerash-columns-77"},
    )
    row = UserSession.objects.get(user=user)
    assert row.session_key == client.session.session_key
    assert client.get(reverse("accounts:devices")).context["devices"][0].current


def test_a_session_from_before_the_devices_page_shows_up(user):
    client = _sign_in(user)
    UserSession.objects.all().delete()
    session = client.session
    session.pop("accounts.session_row")
    session.save()
    client.get(reverse("accounts:profile"))
    assert UserSession.objects.get(user=user).session_key == client.session.session_key


def test_sessions_not_used_for_longer_than_a_session_lives_are_not_listed(user, settings):
    client = _sign_in(user)
    _sign_in(user, IPHONE_SAFARI)
    UserSession.objects.filter(user_agent=IPHONE_SAFARI).update(
        last_seen_at=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    )
    devices = client.get(reverse("accounts:devices")).context["devices"]
    assert [device.name for device in devices] == ["Chrome Mobile — Android"]


def test_support_staff_sign_out_a_persons_browsers_in_the_admin(user, admin_client):
    phone = _sign_in(user, IPHONE_SAFARI)
    row = UserSession.objects.get(user=user)
    changelist = reverse("admin:accounts_usersession_changelist")
    assert "Mobile Safari" in admin_client.get(changelist).content.decode()
    response = admin_client.post(changelist, {"action": "sign_out", "_selected_action": [row.pk]})
    assert response.status_code == 302
    assert not UserSession.objects.filter(user=user).exists()
    assert phone.get(reverse("accounts:profile")).status_code == 302
