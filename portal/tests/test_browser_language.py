"""Issue 18, item 9 in a real browser: a phone whose language is English sees the portal in Arabic, and every
message in the page's language, until the person chooses English; the choice is kept."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from portal.testing import assert_accessible, phone_context, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-Word-123"
LATIN_WORDS = re.compile(r"[A-Za-z]{4,}")


def _sign_in(page, base: str) -> None:
    page.goto(base + reverse("account_login"))
    page.fill("#id_login", "9861012345")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_an_english_phone_gets_arabic_until_the_person_chooses_english(browser, live_server, catalogue):
    user = UserFactory(national_id="9861012345", language="ar", full_name_ar="سارة خالد")
    context = phone_context(browser, locale="en-GB")  # the browser asks for English (Accept-Language: en-GB)
    context.set_default_timeout(15000)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == "ar"

        _sign_in(page, live_server.url)
        assert page.locator("html").get_attribute("lang") == "ar"
        message = page.locator(".alert").first.inner_text()
        # "Successfully signed in as …" was English on this Arabic page.
        assert not LATIN_WORDS.search(message), message
        assert "سارة" in message or "الدخول" in message, message
        screenshot(page, "language-signed-in-ar")
        assert_accessible(page)

        page.get_by_role("button", name="English").click()
        page.wait_for_function("document.documentElement.lang === 'en'")
        user.refresh_from_db()
        assert user.language == "en"

        # Kept: a new tab shows English, and the choice outlives the browser's session.
        other = context.new_page()
        other.goto(live_server.url + reverse("services:my-applications"))
        assert other.locator("html").get_attribute("lang") == "en"
        # A persistent cookie (an expiry date), not one that dies with the browser's session.
        (language_cookie,) = [c for c in context.cookies() if c["name"] == "django_language"]
        assert language_cookie["value"] == "en" and language_cookie["expires"] > 0
        screenshot(other, "language-chosen-en")
        assert_accessible(other)
    finally:
        context.close()
    context.overflow.assert_none()
