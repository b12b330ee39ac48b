"""Issue 17, findings 1 and 2: account changes need the person, not the session.

A borrowed session (a shared computer, a phone left unlocked) must not become a takeover: changing
the mobile, the e-mail or the password asks for the password again, the old mobile is told, an SMS
reset to a freshly changed number is refused, and a new password ends every other session and app token.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import OneTimeCode, UserSession
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import reauthenticate, sms_code
from api.models import ApiToken
from notifications.models import Notification

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"
NEW_PASSWORD = "Jerash-columns-77"


def _api_me(raw_token: str) -> int:
    return Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw_token}"}).status_code


def _signed_in(user) -> Client:
    client = Client()
    assert client.post(reverse("account_login"), {"login": user.mobile, "password": PASSWORD}).status_code == 302
    return client


def _change_mobile(client, new_local: str, new_e164: str) -> None:
    assert client.post(reverse("accounts:mobile-change"), {"mobile": new_local}).status_code == 302
    response = client.post(reverse("accounts:mobile-change-confirm"), {"code": sms_code(new_e164)})
    assert response.status_code == 302


# --- Finding 1: a borrowed session becomes a permanent takeover -------------------------------------------


def test_finding_1_a_borrowed_session_cannot_change_the_mobile_without_the_password(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:mobile-change"), {"mobile": "0781234567"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not OneTimeCode.objects.filter(purpose=OneTimeCode.Purpose.CHANGE_MOBILE).exists()
    assert not Notification.objects.filter(mobile="+962781234567").exists()

    # The confirmation step is guarded too (a code asked for minutes ago cannot be used by the next person).
    assert client.get(reverse("accounts:mobile-change-confirm"))["Location"].startswith(
        reverse("account_reauthenticate")
    )

    wrong = client.post(reverse("account_reauthenticate"), {"password": "not-the-password"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["password"]
    assert not OneTimeCode.objects.filter(purpose=OneTimeCode.Purpose.CHANGE_MOBILE).exists()


def test_finding_1_an_account_without_a_password_needs_a_fresh_sanad_sign_in_to_change_the_mobile(client, user):
    """allauth waves a person with no password (an account made by a Sanad sign-in) through its password
    check: such a person is sent to Sanad again before the mobile, the e-mail or a first password changes."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client.force_login(user)  # a session, but no recent sign-in recorded
    for url in (reverse("accounts:mobile-change"), reverse("account_set_password"), reverse("account_email")):
        response = client.post(url, {"mobile": "0781234567", "password1": "x", "password2": "x", "email": "a@b.jo"})
        assert response.status_code == 403, url
        # The page that sends the person to Sanad again (action=reauthenticate), once Sanad is configured.
        assert "accounts/reauthenticate_sanad.html" in [t.name for t in response.templates]
    assert not OneTimeCode.objects.filter(purpose=OneTimeCode.Purpose.CHANGE_MOBILE).exists()
    assert not Notification.objects.filter(mobile="+962781234567").exists()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_mobile_change_goes_on_after_the_password_is_given_again(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:mobile-change"), {"mobile": "0781234567"})
    # allauth keeps the suspended POST and replays it once the password is given.
    resumed = client.post(response["Location"], {"password": PASSWORD})
    assert resumed.status_code == 302
    assert resumed["Location"] == reverse("accounts:mobile-change-confirm")
    assert OneTimeCode.objects.filter(purpose=OneTimeCode.Purpose.CHANGE_MOBILE, mobile="+962781234567").exists()


def test_the_password_is_asked_again_after_five_minutes(client, user):
    client.force_login(user)
    reauthenticate(client)
    assert client.get(reverse("accounts:mobile-change")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert client.get(reverse("accounts:mobile-change"))["Location"].startswith(reverse("account_reauthenticate"))


def test_finding_1_the_old_mobile_is_told_of_the_change(client):
    user = UserFactory(mobile="+962791112223", language="ar")
    client.force_login(user)
    reauthenticate(client)
    _change_mobile(client, "0781234567", "+962781234567")
    user.refresh_from_db()
    assert user.mobile == "+962781234567" and user.mobile_changed_at is not None

    alert = Notification.objects.get(mobile="+962791112223")
    assert "رقم الهاتف" in alert.text and "خدمة الجمهور" in alert.text
    # A fixed text: neither the new number nor anything else typed by whoever holds the session.
    assert "781234567" not in alert.text
    assert "/accounts/login/" in alert.text


def test_an_unverified_old_number_is_not_told(client):
    user = UserFactory(unverified=True, mobile="+962791112224")
    client.force_login(user)
    reauthenticate(client)
    _change_mobile(client, "0781234568", "+962781234568")
    assert not Notification.objects.filter(mobile="+962791112224").exclude(dedupe_key__startswith="accounts:code:")


def test_finding_1_sms_reset_is_refused_after_a_recent_mobile_change(client):
    user = UserFactory(national_id="9861012345", mobile="+962791112225")
    owner = Client()
    owner.force_login(user)
    reauthenticate(owner)
    _change_mobile(owner, "0781234569", "+962781234569")

    response = client.post(reverse("accounts:password-reset-sms"), {"identifier": "9861012345"})
    assert response.status_code == 200
    error = " ".join(response.context["form"].non_field_errors())
    assert "72" in error and "خدمة الجمهور" in error
    assert not OneTimeCode.objects.filter(purpose=OneTimeCode.Purpose.RESET_PASSWORD).exists()
    # What was typed stays in the form.
    assert 'value="9861012345"' in response.content.decode()

    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        response = client.post(reverse("accounts:password-reset-sms"), {"identifier": "9861012345"})
        assert response.status_code == 302
        assert OneTimeCode.objects.filter(purpose=OneTimeCode.Purpose.RESET_PASSWORD, mobile="+962781234569").exists()


# --- E-mail and password changes ----------------------------------------------------------------------------


def test_adding_an_email_asks_for_the_password_and_tells_the_mobile(client, user):
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "stranger@example.jo"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not user.emailaddress_set.exists()

    reauthenticate(client)
    client.post(reverse("account_email"), {"action_add": "", "email": "stranger@example.jo"})
    assert user.emailaddress_set.filter(email="stranger@example.jo").exists()
    alert = Notification.objects.filter(mobile=user.mobile).latest("pk")
    assert "البريد الإلكتروني" in alert.text and "stranger" not in alert.text


def test_a_password_change_tells_the_mobile(client, user):
    client.force_login(user)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    alert = Notification.objects.filter(mobile=user.mobile).latest("pk")
    assert "كلمة المرور" in alert.text


# --- Finding 2: app tokens outlive a password change and an SMS reset ----------------------------------------


def test_finding_2_password_change_revokes_app_tokens(user):
    _token, raw = ApiToken.issue(user=user, device="Galaxy A54")
    assert _api_me(raw) == 200
    other_browser = _signed_in(user)
    here = _signed_in(user)

    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert _api_me(raw) == 401
    assert not ApiToken.objects.active().filter(user=user).exists()
    # Every other session ends; the one that changed the password goes on.
    assert other_browser.get(reverse("accounts:profile")).status_code == 302
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert UserSession.objects.filter(user=user).count() == 1


def test_finding_2_sms_reset_revokes_app_tokens_and_sessions(client):
    user = UserFactory(national_id="9861012346", mobile="+962791112226")
    _token, raw = ApiToken.issue(user=user, device="iPhone")
    browser = _signed_in(user)
    assert UserSession.objects.filter(user=user).count() == 1

    client.post(reverse("accounts:password-reset-sms"), {"identifier": "9861012346"})
    response = client.post(
        reverse("accounts:password-reset-sms-confirm"),
        {"code": sms_code("+962791112226"), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert _api_me(raw) == 401
    assert browser.get(reverse("accounts:profile")).status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_an_email_reset_revokes_app_tokens_and_sessions(client):
    user = UserFactory(email="layla@example.jo")
    _token, raw = ApiToken.issue(user=user, device="iPhone")
    browser = _signed_in(user)
    client.post(reverse("account_reset_password"), {"email": "layla@example.jo"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line).strip()
    path = link[link.index("/accounts/") :]
    form_url = client.get(path)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert _api_me(raw) == 401
    assert browser.get(reverse("accounts:profile")).status_code == 302
    assert "كلمة المرور" in Notification.objects.filter(mobile=user.mobile).latest("pk").text
