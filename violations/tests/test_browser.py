"""Done means (issue 6): in Arabic, on a phone, a citizen logs in, looks up the demo vehicle, sees the
statement, copies the "all" e-payment number, pays it (eFAWATEERcom simulator), sees the violations
paid and downloads the payment notice."""

import pytest

from payments.models import Bill
from payments.testing import pay_bill
from portal.testing import ARTIFACTS, assert_accessible, screenshot
from violations import demo
from violations.feed import feed_import
from violations.models import Violation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-Word-123"  # accounts.tests.factories.UserFactory


@pytest.fixture
def demo_feed(db):
    result = feed_import(data=demo.demo_feed_bytes(), file_name=demo.FEED_NAME)
    assert not result.errors
    return result


def _log_in(page, user, next_path):
    page.goto(f"{page.live_server_url}/accounts/login/?next={next_path}")
    page.locator("#id_login").fill(user.national_id)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"**{next_path}")


def test_citizen_looks_up_the_demo_vehicle_pays_all_and_downloads_the_payment_notice(page, user, demo_feed):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.live_server_url)
    _log_in(page, user, "/violations/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "الاستعلام عن مخالفات السير والسوق ودفعها"
    assert_accessible(page)

    # A wrong registration number shows nothing about the vehicle.
    code, number, registration = demo.CITIZEN_VEHICLE
    page.get_by_label("الرمز").fill(code)
    page.get_by_label("رقم المركبة").fill(number)
    page.get_by_label("رقم تسجيل المركبة").fill("1234567")
    page.get_by_role("button", name="بحث").click()
    assert page.get_by_text("لا توجد مركبة تطابق رقم اللوحة ورقم التسجيل المدخلين").is_visible()
    assert page.get_by_label("رقم المركبة").input_value() == number  # what was typed stays

    page.get_by_label("رقم تسجيل المركبة").fill(registration)
    page.get_by_role("button", name="بحث").click()
    page.wait_for_url("**/violations/statement/")
    assert page.get_by_role("heading", level=1).inner_text() == "كشف المخالفات"
    unpaid = list(Violation.objects.filter(vehicle__plate_number=number, status="open").order_by("number"))
    for violation in unpaid:
        assert page.get_by_text(violation.number, exact=True).first.is_visible()
    assert page.locator("#violations-count").inner_text() == str(len(unpaid))
    assert page.get_by_text("تُسدَّد في أحد مكاتب إدارة السير").first.is_visible()  # the one not payable online
    screenshot(page, "violations-statement-ar")
    assert_accessible(page)

    # The statement as an issued document (PDF with its verification code), kept for people to look at.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="تنزيل الكشف (PDF)").click()
    ARTIFACTS.mkdir(exist_ok=True)
    download_info.value.save_as(ARTIFACTS / "violations-statement-ar.pdf")
    assert (ARTIFACTS / "violations-statement-ar.pdf").read_bytes().startswith(b"%PDF")
    assert download_info.value.suggested_filename.startswith("violations-statement")

    # Copy the "all" e-payment number, as a person would to paste it into their bank's app.
    page.get_by_role("button", name="نسخ").click()
    page.get_by_text("نُسخ").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#all-billing-number").inner_text().strip()
    bill = Bill.objects.get(billing_number=copied)
    payable = [v for v in unpaid if v.payable]
    assert bill.lines.count() == len(payable) >= 2

    payment = pay_bill(bill)  # eFAWATEERcom: signed bill payment notification through the real endpoint
    assert payment.state == "applied"

    page.reload()
    paid_table = page.locator("#paid-table")
    for violation in payable:
        assert paid_table.get_by_text(violation.number, exact=True).is_visible()
    assert page.locator("#violations-count").inner_text() == str(len(unpaid) - len(payable))
    screenshot(page, "violations-statement-paid-ar")
    assert_accessible(page)

    notice_link = page.get_by_role("link", name=f"إشعار الدفع (PDF) للرقم {copied}").first
    with page.expect_download() as download_info:
        notice_link.click()
    download = download_info.value
    path = ARTIFACTS / "violations-payment-notice-ar.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename.startswith("violations-payment-notice")


def test_an_8_digit_licence_hides_centre_and_category(page, user, demo_feed):
    _log_in(page, user, "/violations/?by=licence")
    assert page.get_by_text("إذا كان رقم الرخصة يتكون من 8 خانات رقمية").is_visible()
    centre = page.get_by_label("مركز الرخصة")
    assert centre.is_visible()
    page.get_by_label("رقم الرخصة").fill(demo.CITIZEN_LICENCE)
    assert centre.is_hidden() and page.get_by_label("فئة الرخصة").is_hidden()
    assert_accessible(page)
    page.get_by_role("button", name="بحث").click()
    page.wait_for_url("**/violations/statement/")
    assert page.get_by_role("button", name="الاستعلام عن رخصة أخرى").is_visible()
    page.get_by_role("button", name="الاستعلام عن رخصة أخرى").click()
    page.wait_for_url("**/violations/?by=licence")
