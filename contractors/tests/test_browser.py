"""The whole renewal in a browser, in Arabic on a phone: look-up, request, staff approval, payment,
the renewed permit downloaded and checked at /verify/<code>/."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.groups import CONTRACTORS_STAFF, grant
from accounts.tests.factories import UserFactory
from contractors.constants import RenewalStatus
from contractors.models import RenewalRequest
from contractors.tests.factories import PermitFactory
from payments.testing import pay_bill
from portal.testing import ARTIFACTS, assert_accessible, phone_context, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTRACTOR_NAME = "شركة النشامى للمقاولات"


@pytest.fixture
def register(catalogue, settings):
    """A permit running to the end of this year (so next year is the one to renew)."""
    year = timezone.localdate().year
    return PermitFactory(
        contractor__number="55501",
        contractor__name_ar=CONTRACTOR_NAME,
        number="8841",
        year=year,
        valid_from=dt.date(year, 1, 1),
        valid_until=dt.date(year, 12, 31),
    )


def _sign_in(context, base_url, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def _department_member():
    grant(CONTRACTORS_STAFF, "contractors")
    member = UserFactory(staff=True)
    member.groups.add(Group.objects.get(name=CONTRACTORS_STAFF))
    return member


def _look_up(page, contractor="55501", number="8841", year=None):
    page.get_by_label("رقم المقاول").fill(contractor)
    page.get_by_label("رقم التصريح").fill(number)
    page.get_by_label("سنة التصريح").fill(str(year or timezone.localdate().year))
    page.get_by_role("button", name="بحث").click()


def test_a_contractor_renews_a_permit_end_to_end_in_arabic(page, browser, register, live_server):
    base = live_server.url
    next_year = timezone.localdate().year + 1
    # The widget and its worker run under the portal's policy: script-src 'self', no inline, no blob:.
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))

    # 1. Look-up: the name appears without the page reloading.
    page.goto(base + "/contractors/renew/")
    assert page.locator("html").get_attribute("dir") == "rtl" and page.locator("html").get_attribute("lang") == "ar"
    assert page.get_by_role("heading", level=1).inner_text() == "تجديد تصريح مقاولين"
    assert page.locator("#step2").is_hidden()
    assert_accessible(page)
    page.evaluate("window.__sameDocument = true")

    _look_up(page, number="9999")
    miss = page.locator("#lookup-result [role=alert]")
    miss.wait_for()
    assert "لا يوجد تصريح يطابق هذه البيانات" in miss.inner_text()
    assert page.locator("#step2").is_hidden()

    _look_up(page)
    page.get_by_text(CONTRACTOR_NAME).wait_for()
    assert page.evaluate("window.__sameDocument === true"), "the look-up reloaded the page"
    assert page.locator("#step2").is_visible()
    screenshot(page, "contractors-renew-found-ar")
    assert_accessible(page)

    # 2. The request: no puzzle. The person ticks "I am not a robot" (an Arabic label a screen reader
    # reads); the browser does the proof-of-work in a worker and the widget says it is verified.
    assert page.get_by_label("التجديد لسنة").input_value() == str(next_year)
    page.get_by_label("سبب التجديد").fill("لم تنته الأعمال في الموقع بعد")
    page.get_by_label("رقم الهاتف المحمول").fill("٠٧٩١٢٣٤٥٦٧")
    # (clicked near its corner: the widget draws its tick mark over the middle of the box)
    page.get_by_role("checkbox", name="أنا لست روبوتاً").click(position={"x": 3, "y": 3})
    page.get_by_role("checkbox", name="تم التحقق").wait_for()
    assert page.locator("input[name=altcha]").input_value()
    assert not refused, refused
    assert_accessible(page)
    page.get_by_role("button", name="تقديم الطلب").click()
    page.wait_for_url(re.compile(r"/contractors/track/CP-[^/]+/$"))

    renewal = RenewalRequest.objects.get()
    assert renewal.phone == "+962791234567" and renewal.period_year == next_year
    assert renewal.reference in page.locator("main").inner_text()
    assert "بانتظار الدراسة" in page.locator("main").inner_text()
    screenshot(page, "contractors-track-submitted-ar")
    assert_accessible(page)

    # 3. Staff of the department approve it in the admin, with the period and the fee.
    staff_context = browser.new_context(locale="ar-JO", viewport={"width": 1280, "height": 900})
    try:
        staff_page = staff_context.new_page()
        _sign_in(staff_context, base, _department_member())
        staff_page.goto(f"{base}/admin/contractors/renewalrequest/?queue=to_review")
        staff_page.get_by_role("link", name=renewal.reference).click()
        staff_page.get_by_role("link", name="موافقة…").click()
        assert staff_page.get_by_label("الرسوم (دينار)").input_value() == "150.000"
        staff_page.get_by_label("الرسوم (دينار)").fill("175.500")
        screenshot(staff_page, "contractors-admin-approve-ar")
        staff_page.get_by_role("button", name="الموافقة وإصدار الفاتورة").click()
        staff_page.locator(".messagelist .success").wait_for()
    finally:
        staff_context.close()

    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.AWAITING_PAYMENT and renewal.bill is not None
    page.reload()
    main = page.locator("main").inner_text()
    assert renewal.bill.billing_number_grouped in main and "175.500" in main
    screenshot(page, "contractors-track-awaiting-payment-ar")
    assert_accessible(page)

    # 4. eFAWATEERcom pays the bill (signed notification through the real endpoint).
    payment = pay_bill(renewal.bill)
    assert payment.state == "applied"

    page.reload()
    assert "صدر التصريح المجدد" in page.locator("main").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="تنزيل التصريح المجدد (PDF)").click()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "contractors-renewed-permit.pdf"
    download_info.value.save_as(pdf_path)
    text = "".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    document = RenewalRequest.objects.get(pk=renewal.pk).renewed_permit()
    assert renewal.reference in text and "8841" in text and str(next_year) in text
    # The dates in the one format (README "Dates"); the PDF's text comes out in visual order, so the summary.
    assert f"31 ديسمبر {next_year}" in dict(document.summary).values()
    assert document.display_code in text

    # 5. Anyone checks it: the verification page says it is genuine, and the file is the one issued.
    page.get_by_role("link", name="تحقق منه إلكترونياً").click()
    page.wait_for_url(f"**/verify/{document.display_code}/")
    assert "وثيقة صحيحة" in page.locator("main").inner_text()
    assert CONTRACTOR_NAME in page.locator("main").inner_text()
    page.locator("input[type=file]").set_input_files(str(pdf_path))
    page.locator("form[enctype] button[type=submit]").click()
    page.get_by_text("الملف مطابق").wait_for()
    screenshot(page, "contractors-verify-ar")
    assert_accessible(page)


def test_sending_without_ticking_the_box_does_the_check_first(page, register, live_server):
    """Nothing is asked of the person: a request sent before the check runs the check, then goes."""
    page.goto(live_server.url + "/contractors/renew/")
    _look_up(page)
    page.get_by_text(CONTRACTOR_NAME).wait_for()
    page.get_by_label("سبب التجديد").fill("تمديد الأعمال")
    page.get_by_label("رقم الهاتف المحمول").fill("0781112222")
    page.get_by_role("button", name="تقديم الطلب").click()
    page.wait_for_url(re.compile(r"/contractors/track/CP-[^/]+/$"))
    assert RenewalRequest.objects.get().phone == "+962781112222"


def test_without_javascript_the_look_up_works_and_the_request_is_refused_keeping_what_was_typed(
    browser, register, live_server
):
    context = phone_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/contractors/renew/")
        _look_up(page, contractor="٥٥٥٠١")
        page.wait_for_load_state()
        page.get_by_text(CONTRACTOR_NAME).wait_for()
        assert page.locator("#step2").is_visible()
        assert "تقديم الطلب يحتاج إلى JavaScript" in page.locator("#step2").inner_text()

        page.get_by_label("سبب التجديد").fill("تمديد الأعمال")
        page.get_by_label("رقم الهاتف المحمول").fill("0781112222")
        page.get_by_role("button", name="تقديم الطلب").click()
        page.wait_for_load_state()
        # No proof-of-work: nothing filed, what was typed is kept, the reason said in Arabic.
        assert not RenewalRequest.objects.exists()
        assert page.get_by_label("سبب التجديد").input_value() == "تمديد الأعمال"
        assert page.get_by_label("رقم الهاتف المحمول").input_value() == "0781112222"
        assert "لم نتمكن من التأكد" in page.get_by_role("alert").first.inner_text()
        screenshot(page, "contractors-renew-nojs-refused-ar")
    finally:
        context.close()
