"""Issue 18, item 8, in a phone's browser: a paid bill's times read "9 ديسمبر 2026، 21:33" in Arabic (day
first on the right, the time last on the left) and "9 December 2026, 21:33" in English."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from payments.registry import temporary_bill_handler
from payments.testing import pay_bill
from payments.tests.factories import TEST_KIND, BillFactory
from portal.testing import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-Word-123"  # accounts.tests.factories.UserFactory
MOMENT = dt.datetime(2026, 12, 9, 21, 33, tzinfo=ZoneInfo("Asia/Amman"))

# Where the first and the last character of the date-time are drawn: Arabic reads it from the right
# (the day rightmost, the time leftmost), English from the left. A date shown in a left-to-right box
# on an Arabic page (as ".num" did) puts the day on the left and reads backwards.
EDGES = """text => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, at = node.data.indexOf(text);
    if (at < 0 || !node.parentElement.checkVisibility()) continue;
    const edge = (start, end) => { const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end);
                                   return r.getBoundingClientRect(); };
    const first = edge(at, at + 1), last = edge(at + text.length - 1, at + text.length);
    return {first: first.left, last: last.left, top: first.top, lastTop: last.top};
  }
  return null;
}"""


def _log_in(page, user, next_path):
    page.goto(f"{page.live_server_url}/accounts/login/?next={next_path}")
    page.locator("#id_login").fill(user.national_id)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"**{next_path}")


def test_a_paid_bill_shows_its_times_in_the_one_format_in_arabic_and_english_at_390px(page, user):
    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None), time_machine.travel(MOMENT, tick=False):
        bill = BillFactory(payer=user, lines=[("violation:1", "15.000")])
        pay_bill(bill, processed_at=MOMENT)
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, user, bill.get_absolute_url())

    arabic = "9 ديسمبر 2026، 21:33"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_text(arabic, exact=True).first.is_visible()
    assert page.get_by_text(arabic, exact=True).count() == 2  # issued at, paid at
    edges = page.evaluate(EDGES, arabic)
    assert edges["top"] == edges["lastTop"] and edges["first"] > edges["last"]  # the day on the right
    assert "2026-12-09" not in page.locator("main").inner_text()
    screenshot(page, "dates-bill-ar-390")
    assert_accessible(page)

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.live_server_url}])
    page.reload()
    english = "9 December 2026, 21:33"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_text(english, exact=True).count() == 2
    edges = page.evaluate(EDGES, english)
    assert edges["top"] == edges["lastTop"] and edges["first"] < edges["last"]
    assert "،" not in page.locator("main").inner_text()
    screenshot(page, "dates-bill-en-390")
    assert_accessible(page)
