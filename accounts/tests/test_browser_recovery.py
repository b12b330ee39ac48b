"""Issue 17 "Done when", in headless Chromium, in Arabic, 390 px wide: changing the mobile asks for the
password and tells the old number; a device is signed out from "My devices". axe-core on every page."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from accounts.tests.helpers import sms_code
from api.models import ApiToken
from notifications.models import Notification
from portal.testing import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-Word-123"


@pytest.fixture
def phone(page):
    """The project's phone (conftest.page: 390 px, Arabic, overflow watched)."""
    return page


def _url(page, name: str, *args) -> str:
    return page.live_server_url + reverse(name, args=args)


def test_changing_the_mobile_asks_for_the_password_and_tells_the_old_number_then_a_device_is_signed_out(phone):
    page = phone
    user = UserFactory(national_id="9861000021", mobile="+962790000021", full_name_ar="هالة يوسف العلي")
    token, _raw = ApiToken.issue(user=user, device="Galaxy A54")

    page.goto(_url(page, "account_login"))
    page.fill("#id_login", "9861000021")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    page.goto(_url(page, "accounts:profile"))
    page.locator("main a[href$='/accounts/profile/mobile/']").last.click()
    # Signed in a moment ago is not enough: the password is asked again before the number can change.
    page.wait_for_url("**" + reverse("account_reauthenticate") + "**")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "أكّد هويتك" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "accounts-reauthenticate-ar")
    page.fill("#id_password", "not-the-password")
    page.locator("main form button[type=submit]").first.click()
    assert page.locator("#id_password.is-invalid").count() == 1
    assert_accessible(page)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(_url(page, "accounts:mobile-change"))

    page.fill("#id_mobile", "0781234567")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(_url(page, "accounts:mobile-change-confirm"))
    assert_accessible(page)
    page.fill("#id_code", sms_code("+962781234567"))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(_url(page, "accounts:profile"))
    user.refresh_from_db()
    assert user.mobile == "+962781234567"

    alert = Notification.objects.get(mobile="+962790000021")
    assert "تم تغيير رقم الهاتف المحمول في حسابك" in alert.text and "خدمة الجمهور" in alert.text
    assert "781234567" not in alert.text

    page.locator(f"main a[href='{reverse('accounts:devices')}']").click()
    page.wait_for_url(_url(page, "accounts:devices"))
    devices = page.locator("#devices > li")
    assert devices.count() == 2
    assert "هذا الجهاز" in devices.first.inner_text()
    assert "Galaxy A54" in page.inner_text("#devices")
    assert_accessible(page)
    screenshot(page, "accounts-devices-ar")

    page.locator(f"#device-app-{token.pk} button[type=submit]").click()
    page.wait_for_url(_url(page, "accounts:devices"))
    assert "تم تسجيل خروج الجهاز" in page.inner_text("main")
    assert page.locator("#devices > li").count() == 1
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_accessible(page)
