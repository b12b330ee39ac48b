"""Issue 3 "Done means", in headless Chromium, in Arabic, on a phone-sized screen.

A new citizen signs up, reads the code from the development SMS outbox, verifies, logs out and signs in
again with the national number; a business owner registers an organisation and invites a second person,
who accepts and switches to act for it. axe-core checks every page on the way.
"""

import pytest
from django.urls import reverse

from accounts.establishments import organisation_verify
from accounts.models import Invitation, Membership, Organisation, User
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import sms_code
from portal.testing import assert_accessible, menu_open, phone_context, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Zarqa-river-2024"


def _url(page, name: str, *args) -> str:
    return page.live_server_url + reverse(name, args=args)


def _sign_in(page, login: str, password: str) -> None:
    page.goto(_url(page, "account_login"))
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def _log_out(page) -> None:
    # The account menu sits in the collapsed navbar on a phone.
    menu_open(page)
    page.click("#account-menu")
    page.locator("#account-menu[aria-expanded=true]").wait_for()
    logout_url = reverse("account_logout")
    page.locator(f"form[action='{logout_url}'] button").click()
    page.wait_for_load_state()


def test_citizen_signs_up_in_arabic_verifies_by_sms_and_signs_in_with_the_national_number(page):
    page.goto(_url(page, "account_signup"))
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)

    page.fill("#id_full_name_ar", "ليلى سمير الخطيب")
    page.fill("#id_national_id", "١٢٣")  # a mistake first: Arabic digits, too short
    page.fill("#id_mobile", "0791234567")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("#signup-form button[type=submit]")
    error = page.locator("#div_id_national_id .invalid-feedback, #div_id_national_id .text-danger").first
    assert "الرقم الوطني" in error.inner_text()
    # What was typed is still there (passwords excepted, as browsers expect).
    assert page.input_value("#id_full_name_ar") == "ليلى سمير الخطيب"
    assert page.input_value("#id_mobile") == "0791234567"
    assert_accessible(page)
    screenshot(page, "accounts-signup-error-ar")

    page.fill("#id_national_id", "9861012345")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("#signup-form button[type=submit]")
    page.wait_for_url("**" + reverse("accounts:verify-mobile") + "**")
    assert "0791234567" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "accounts-verify-mobile-ar")

    page.fill("#id_code", sms_code("+962791234567"))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(page.live_server_url + reverse("home"))
    assert User.objects.get(national_id="9861012345").mobile_verified

    _log_out(page)
    assert page.locator("#account-menu").count() == 0

    _sign_in(page, "9861012345", PASSWORD)
    assert page.inner_text("#account-menu") == "ليلى سمير الخطيب"


def test_owner_registers_an_organisation_and_the_invited_member_acts_for_it(page, browser, live_server):
    owner = UserFactory(national_id="9861000001", mobile="+962790000011", full_name_ar="سارة خالد النمر")
    colleague = UserFactory(national_id="9861000002", mobile="+962790000012", full_name_ar="يوسف عمر الحسن")

    _sign_in(page, "0790000011", "pass-Word-123")
    page.goto(_url(page, "accounts:organisation-list"))
    assert_accessible(page)
    page.goto(_url(page, "accounts:organisation-create"))
    page.select_option("#id_kind", "company")
    page.fill("#id_establishment_number", "200123456")
    page.fill("#id_name_ar", "شركة الرمال للتجارة")
    page.fill("#id_phone", "06 500 1234")
    assert_accessible(page)
    screenshot(page, "accounts-organisation-form-ar")
    page.locator("main form button[type=submit]").first.click()
    organisation = Organisation.objects.get(establishment_number="200123456")
    page.wait_for_url(_url(page, "accounts:organisation-detail", organisation.pk))
    # Issue 17: a registered organisation is a claim; it invites and acts once finance staff verify it.
    assert "بانتظار التوثيق" in page.inner_text("main")
    assert page.locator("form[action$='/invite/']").count() == 0
    assert_accessible(page)
    organisation_verify(organisation=organisation, by=None, source=Organisation.Verification.STAFF)
    page.reload()

    # An invitation to a number with no account is explained, and the number stays in the field.
    page.fill("#id_identifier", "0799999999")
    page.locator("form[action$='/invite/'] button[type=submit]").click()
    assert "لا يوجد حساب" in page.inner_text("#div_id_identifier")
    assert page.input_value("#id_identifier") == "0799999999"
    page.fill("#id_identifier", "9861000002")
    page.locator("form[action$='/invite/'] button[type=submit]").click()
    page.wait_for_url(_url(page, "accounts:organisation-detail", organisation.pk))
    assert Invitation.objects.get(organisation=organisation).user == colleague
    assert_accessible(page)
    screenshot(page, "accounts-organisation-detail-ar")

    context = phone_context(browser)
    other = context.new_page()
    other.live_server_url = live_server.url
    try:
        _sign_in(other, "9861000002", "pass-Word-123")
        other.goto(_url(other, "accounts:organisation-list"))
        assert "شركة الرمال للتجارة" in other.inner_text("main")
        assert_accessible(other)
        screenshot(other, "accounts-invitation-ar")
        other.locator("form[action$='/accept/'] button").click()
        other.wait_for_url(_url(other, "accounts:organisation-list"))
        assert Membership.objects.filter(organisation=organisation, user=colleague).exists()

        # The header switcher: act for the organisation from now on.
        toggler = other.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
        other.click("#party-switcher")
        other.locator(f"#party-switcher + .dropdown-menu button[value='{organisation.pk}']").click()
        other.wait_for_load_state()
        assert "شركة الرمال للتجارة" in other.inner_text("#party-switcher")
        assert_accessible(other)
        screenshot(other, "accounts-acting-for-ar")
    finally:
        context.close()
    context.overflow.assert_none()
    assert owner.memberships.get().role == Membership.Role.OWNER


def test_profile_page_is_accessible_in_arabic(page):
    UserFactory(national_id="9861000003", full_name_ar="رنا فادي حداد")
    _sign_in(page, "9861000003", "pass-Word-123")
    page.goto(_url(page, "accounts:profile"))
    assert_accessible(page)
    screenshot(page, "accounts-profile-ar")
    _log_out(page)
    page.goto(_url(page, "account_login"))
    assert_accessible(page)
    screenshot(page, "accounts-login-ar")
