"""Issue 17 in headless Chromium, in Arabic: a person whose national number a squatter claimed signs in
with Sanad (a real OpenID Provider: the button, Sanad's login and consent pages, back), is signed in with
a verified identity, the number moves to them and the squatter is told by SMS. axe-core checks the
portal's pages on the way (Sanad's own development pages are not the portal's)."""

import pytest
from django.urls import reverse

from accounts.models import IdentityProof, User
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import last_sms
from accounts.tests.sanad import HOLDER, USERS
from portal.testing import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = USERS[HOLDER]["national_id"]


def test_holder_signs_in_with_sanad_and_the_squatted_number_moves_to_them(page, sanad_live):
    squatter = UserFactory(national_id=NUMBER, mobile="+962791112233", full_name_ar="منتحل الرقم")

    page.goto(page.live_server_url + reverse("account_login"))
    assert page.locator("html").get_attribute("lang") == "ar"
    button = page.get_by_role("button", name="الدخول عبر سند")
    assert button.is_visible()
    assert_accessible(page)
    screenshot(page, "accounts-login-sanad-ar")

    button.click()
    # Sanad's login page (the provider's development interaction): the person signs in there.
    page.wait_for_url(sanad_live.issuer + "/**")
    page.fill("input[name=login]", HOLDER)
    page.fill("input[name=password]", "any")
    page.click("button.login-submit")
    # Sanad's consent page: the portal asks for the national number.
    page.wait_for_selector("input[name=prompt][value=consent]", state="attached")
    page.click("button.login-submit")

    # Back on the portal, signed in; a new account still verifies its mobile like every other.
    page.wait_for_url(page.live_server_url + "/**")
    page.wait_for_load_state()
    assert page.url.startswith(page.live_server_url + reverse("accounts:mobile-change"))
    assert page.inner_text("#account-menu") == "ليلى حسن الخطيب"
    assert_accessible(page)

    page.goto(page.live_server_url + reverse("accounts:profile"))
    assert "هوية موثقة عبر سند" in page.inner_text("#identity-status")
    assert NUMBER in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "accounts-profile-sanad-verified-ar")

    prover = User.objects.get(national_id=NUMBER)
    squatter.refresh_from_db()
    assert prover.identity_verified and squatter.national_id == ""
    assert IdentityProof.objects.get(user=prover).taken_from == squatter
    assert "سند" in last_sms("+962791112233").text
