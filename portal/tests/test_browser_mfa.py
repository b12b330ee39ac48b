"""A staff member's first sign-in to the admin, in Arabic: enrol the authenticator, then work."""

import base64

import pytest
from django_otp.oath import TOTP

from accounts.tests.factories import UserFactory
from portal.testing import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.security, pytest.mark.django_db(transaction=True)]


def test_staff_enrol_an_authenticator_on_first_sign_in_and_reach_the_admin(browser, live_server, settings):
    settings.STAFF_MFA_REQUIRED = True
    staff = UserFactory(staff=True, is_superuser=True)
    context = browser.new_context(locale="ar-JO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m.text))

    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", "pass-Word-123")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/mfa/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_text("إعداد عامل التحقق الثاني").first.is_visible()
    secret = page.locator(".mfa-secret").inner_text()
    screenshot(page, "admin-mfa-enrol-ar")
    assert_accessible(page)

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("الرمز من تطبيق المصادقة").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="متابعة").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("#site-name").is_visible()
    assert not csp_errors, csp_errors
    context.close()
