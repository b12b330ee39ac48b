"""Issue 18, item 7, in the browser: on a 390 px phone in Arabic, the claim's page counts its nouns —
the valuation's quantities ("قطعة واحدة", "4 ساعات عمل", not "1 قطعة", "4 ساعة عمل") and the payment
countdown ("يومان وساعتان", not Django's "2 يومين")."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accidents.tests.factories import ClaimFactory, in_register
from accounts.tests.factories import UserFactory
from portal.testing import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _sign_in(page, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.live_server_url}])


def test_the_claim_page_counts_quantities_and_the_time_left_in_arabic_on_a_phone(page, catalogue):
    in_register("10", "79210", "21045780")
    start = timezone.now() - timedelta(days=1)
    with time_machine.travel(start, tick=False):
        # Valued at 1 piece and 4 work hours; the e-payment number is payable for 3 days.
        claim = ClaimFactory(awaiting_payment=True, applicant=UserFactory())
    assert claim.deadline_at == start + timedelta(days=3)

    page.set_viewport_size(PHONE)
    _sign_in(page, claim.applicant)
    # 2 days 2½ hours before the deadline: the clock ticks on, which cannot change "يومان وساعتان".
    with time_machine.travel(claim.deadline_at - timedelta(days=2, hours=2, minutes=30), tick=True):
        page.goto(page.live_server_url + claim.get_absolute_url())
        deadline = page.locator(".application-deadline")
        assert "(الوقت المتبقي: يومان وساعتان)" in deadline.inner_text()
        table = page.locator("table.valuation")
        assert "قطعة واحدة" in table.inner_text() and "4 ساعات عمل" in table.inner_text()
        assert "4 ساعة عمل" not in table.inner_text() and "1 قطعة" not in table.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "plurals-accident-claim-390-ar")
        assert_accessible(page)
