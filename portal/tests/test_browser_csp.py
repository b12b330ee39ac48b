"""The Content Security Policy in a real browser: the public pages run under it without a refusal."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from portal.testing import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.security, pytest.mark.django_db(transaction=True)]


def test_public_and_signed_in_pages_break_no_rule_of_the_policy(page, catalogue, settings):
    settings.RATELIMIT_ENABLE = False
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append((page.url, m.text)))
    base = page.live_server_url
    for path in [
        "/",
        reverse("services:card", args=["accident-claim-release"]),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("services:verify-start"),
        reverse("contractors:renew"),
    ]:
        page.goto(base + path)
    # The menu (Bootstrap's collapse, driven by the portal's own script file) still opens.
    page.goto(base + "/")
    page.get_by_role("button", name="إظهار القائمة").click()
    page.wait_for_selector("#mainnav.show")

    user = UserFactory()
    page.goto(base + reverse("account_login"))
    page.fill("input[name=login]", user.national_id)
    page.fill("input[name=password]", "pass-Word-123")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    for path in [reverse("violations:inquiry"), reverse("services:my-applications"), reverse("payments:my-bills")]:
        page.goto(base + path)
    assert_accessible(page)
    assert not refused, refused
