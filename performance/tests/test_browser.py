"""The public page and the staff dashboard in headless Chromium, in Arabic, with axe-core checks."""

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from accounts.tests.factories import UserFactory
from performance.models import Rating
from performance.tests.factories import at, make_application, make_bill
from portal.testing import assert_accessible, screenshot
from services.models import Holiday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = at("2026-03-15 18:00")
DESKTOP = {"width": 1280, "height": 900}


def _sign_in(page, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.live_server_url}])


@pytest.fixture
def figures(catalogue):
    user = UserFactory()
    Holiday.objects.create(date=at("2026-03-10 00:00").date(), name="test")
    licensing = catalogue["profession-licence-splitting"]
    accidents = catalogue["accident-claim-release"]
    for day, close, status in [
        (1, 3, "issued"),
        (2, 8, "issued"),
        (3, 5, "issued"),
        (4, 12, "issued"),
        (8, 9, "refused"),
    ]:
        app = make_application(
            applicant=user,
            status=status,
            service=licensing,
            created=at(f"2026-03-{day:02d} 10:00"),
            closed=at(f"2026-03-{close:02d} 12:00"),
        )
        if status == "issued":
            Rating.objects.create(application=app, kind="licensing", score=4 + day % 2, created_at=app.closed_at)
    for day, close in [(1, 4), (2, 12), (3, 5)]:
        make_application(
            applicant=user,
            kind="accidents",
            status="released",
            service=accidents,
            created=at(f"2026-03-{day:02d} 09:00"),
            closed=at(f"2026-03-{close:02d} 09:00"),
        )
    make_application(
        applicant=user,
        kind="accidents",
        status="cancelled",
        closed_by="system",
        service=accidents,
        created=at("2026-03-05 09:00"),
        closed=at("2026-03-09 09:00"),
    )
    make_application(applicant=user, status="awaiting_payment", created=at("2026-03-06 10:00"), service=licensing)
    make_application(
        applicant=user, kind="accidents", status="submitted", created=at("2026-03-11 10:00"), service=accidents
    )
    for day in range(1, 15):
        make_bill(
            amount=f"{10 + day * 3}.000",
            issued=at(f"2026-03-{day:02d} 10:00"),
            paid=at(f"2026-03-{day:02d} 15:00") if day % 3 else None,
        )
    return user


def test_public_page_in_arabic(page, figures):
    with time_machine.travel(NOW, tick=False):
        page.set_viewport_size(DESKTOP)
        page.goto(page.live_server_url + "/performance/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.get_by_role("heading", level=1).inner_text() == "أداء خدماتنا"
        assert page.locator("svg.perf-chart").count() == 2
        assert "تجزئة رخصة مهن" in page.content()
        assert_accessible(page)
        screenshot(page, "performance-public-ar")


def test_staff_dashboard_in_arabic(page, figures):
    with time_machine.travel(NOW, tick=False):
        page.set_viewport_size(DESKTOP)
        _sign_in(page, UserFactory(staff=True))
        page.goto(page.live_server_url + "/performance/dashboard/")
        page.locator("#id_start").fill("2026-03-01")
        page.locator("#id_end").fill("2026-03-15")
        page.get_by_role("button", name="عرض").click()
        page.wait_for_url("**start=2026-03-01**")
        assert page.locator("svg.perf-chart").count() == 3
        assert page.locator("#table-services").inner_text() == "الطلبات ووقت الإنجاز"
        with page.expect_download() as download:
            page.locator("a[href*='/dashboard/money.csv']").click()
        assert download.value.suggested_filename == "performance-money-2026-03-01-2026-03-15.csv"
        assert_accessible(page)
        screenshot(page, "performance-dashboard-ar")


PHONE = {"width": 390, "height": 844}

# The layout of the public page as a phone shows it: overflow, the figure cells' boxes, the chart labels'
# rendered size (computed font size times the SVG's scale on screen) and boxes.
LAYOUT_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, text: e.innerText}; };
  const cells = [...document.querySelectorAll('main table tbody th, main table tbody td')];
  const labels = [...document.querySelectorAll('svg.perf-chart text')].map(t => {
    const scale = t.getScreenCTM() ? t.getScreenCTM().a : 1;
    const svg = t.ownerSVGElement.getBoundingClientRect(), r = t.getBoundingClientRect();
    return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
            inside: r.left >= svg.left - 1 && r.right <= svg.right + 1};
  });
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          cells: cells.map(box), labels: labels,
          clipped: [...document.querySelectorAll('main table tbody td > *, main table tbody td')]
                     .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)};
}"""

# Where the numbers of "N of M" are drawn: the x of each run of digits, in reading (logical) order.
NUMBER_POSITIONS_JS = """(cell) => {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/[0-9]+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const r = range.getBoundingClientRect();
      out.push({number: m[0], x: r.left + r.width / 2});
    }
  }
  return out;
}"""


@pytest.mark.parametrize(
    "language, completed_of",
    [("ar", {"accidents": "3 من 4", "licensing": "4 من 5"}), ("en", {"accidents": "3 of 4", "licensing": "4 of 5"})],
)
def test_public_page_fits_a_phone_and_reads_in_order(page, figures, language, completed_of):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.live_server_url}])
    page.set_viewport_size(PHONE)
    with time_machine.travel(NOW, tick=False):
        page.goto(page.live_server_url + "/performance/")
    assert page.locator("html").get_attribute("lang") == language
    layout = page.evaluate(LAYOUT_JS)
    assert layout["scrollWidth"] <= layout["innerWidth"] == PHONE["width"]
    # Nothing of the figures is cut off: every cell is on screen whole (the table became one card per service).
    assert layout["cells"]
    outside = [c for c in layout["cells"] if c["left"] < 0 or c["right"] > PHONE["width"]]
    assert not outside, outside
    assert not layout["clipped"], layout["clipped"]
    # The chart labels are text a phone can read, and none is cut off by the chart's edge.
    assert layout["labels"]
    small = [(lbl["text"], round(lbl["px"], 1)) for lbl in layout["labels"] if lbl["px"] < 12]
    assert not small, small
    assert all(lbl["inside"] for lbl in layout["labels"]), layout["labels"]

    month = page.locator("#window-month").locator("xpath=..")
    for kind, text in completed_of.items():
        cell = month.locator(f"tr[data-kind='{kind}'] [data-figure='completed']")
        assert cell.inner_text().strip() == text
        first, second = cell.evaluate(NUMBER_POSITIONS_JS)
        assert (first["number"], second["number"]) == tuple(text.split()[::2])
        # Arabic reads from the right: the first number (completed) must be drawn to the right of the second.
        if language == "ar":
            assert first["x"] > second["x"], (text, first, second)
        else:
            assert first["x"] < second["x"], (text, first, second)
    computed = page.locator("#computed-at").inner_text()
    assert ("حُسبت الأرقام في" if language == "ar" else "Figures computed at") in computed
    assert_accessible(page)
    screenshot(page, f"performance-public-phone-{language}")
