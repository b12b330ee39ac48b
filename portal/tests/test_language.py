"""The page's language (issue 18, item 9): Arabic on a first visit whatever the browser asks for, English once
the person chooses it (header switch or profile), the choice kept; every message in the page's language."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def _lang(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_first_visit_from_an_english_browser_is_in_arabic(client):
    response = client.get(reverse("home"), **ENGLISH_BROWSER)
    assert _lang(response) == "ar"
    assert 'dir="rtl"' in response.content.decode()


def test_the_header_switch_chooses_english_and_the_choice_is_kept(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    # Kept across browser restarts, not a session cookie.
    assert int(cookie["max-age"]) >= 300 * 24 * 60 * 60
    assert _lang(client.get(reverse("home"))) == "en"
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert _lang(client.get(reverse("home"), **ENGLISH_BROWSER)) == "ar"


def test_a_signed_in_persons_switch_is_kept_in_their_profile(client):
    user = UserFactory(language="ar")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_signing_in_from_an_english_browser_says_so_in_arabic(client):
    """The sign-in message was made while the browser's language ruled: English on an Arabic page."""
    UserFactory(national_id="9861012345", language="ar")
    response = client.post(
        reverse("account_login"), {"login": "9861012345", "password": PASSWORD}, follow=True, **ENGLISH_BROWSER
    )
    assert _lang(response) == "ar"
    texts = [str(m) for m in response.context["messages"]]
    assert texts and all("Successfully" not in t for t in texts), texts
    assert any("تسجيل الدخول" in t or "دخول" in t for t in texts), texts


def test_signing_in_brings_an_english_preference_and_its_message_is_english(client):
    UserFactory(national_id="9861012345", language="en")
    response = client.post(reverse("account_login"), {"login": "9861012345", "password": PASSWORD}, follow=True)
    assert _lang(response) == "en"
    assert any("Successfully signed in" in str(m) for m in response.context["messages"])
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_language_chosen_in_this_browser_wins_over_the_profile_at_sign_in(client):
    UserFactory(national_id="9861012345", language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.post(reverse("account_login"), {"login": "9861012345", "password": PASSWORD}, follow=True)
    assert _lang(response) == "ar"


def test_the_api_still_answers_in_the_language_a_program_asks_for(client):
    response = client.post(
        "/api/v1/auth/token", {"login": "", "password": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.headers.get("Content-Language") == "en"
