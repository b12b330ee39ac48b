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


# --- fleet page on a phone (issue 18, item 12) ------------------------------------------------------

PHONE = {"width": 390, "height": 844}

# The colour of an element's text and of the first ancestor that paints a background (a transparent
# button shows what is behind it).
_COLOURS_JS = """(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).map(Number);
  let node = element, background = [255, 255, 255];
  while (node && node.nodeType === 1) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {text: rgb(getComputedStyle(element).color).slice(0, 3), background};
}"""


def _contrast(a, b) -> float:
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _assert_fits_the_phone(page):
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen: {page.url}"


def _sign_in_acting_for(page, user, organisation=None):
    from django.conf import settings
    from django.test import Client

    from accounts.party import SESSION_KEY

    client = Client()
    client.force_login(user)
    if organisation is not None:
        session = client.session
        session[SESSION_KEY] = organisation.pk
        session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.live_server_url}])


@pytest.fixture
def fleet_world(user):
    from accounts.tests.factories import MembershipFactory
    from violations.tests.factories import FleetVehicleFactory, VehicleFactory, ViolationFactory

    organisation = MembershipFactory(user=user, organisation__name_ar="شركة النقل الحديث").organisation
    vans = [VehicleFactory(plate_code="13", plate_number=n) for n in ("45120", "45121")]
    for van, label in zip(vans, ("فان التوزيع", "شاحنة المستودع"), strict=True):
        FleetVehicleFactory.for_vehicle(van, organisation=organisation, label=label)
    ViolationFactory(vehicle=vans[0], amount="20.000")
    ViolationFactory(vehicle=vans[0], amount="15.000", not_payable=True)
    ViolationFactory(vehicle=vans[1], amount="50.000")
    ViolationFactory(vehicle=vans[0], amount="10.000", paid=True)
    ViolationFactory(vehicle=vans[1], amount="20.000", paid=True)
    return organisation


def test_fleet_page_on_a_phone_has_a_visible_filter_button_and_a_summary_that_matches_the_filter(
    page, user, fleet_world
):
    page.set_viewport_size(PHONE)
    _sign_in_acting_for(page, user, fleet_world)
    page.goto(page.live_server_url + "/violations/fleet/")
    assert page.get_by_role("heading", level=1).inner_text() == "مخالفات الأسطول"

    button = page.get_by_role("button", name="عرض", exact=True)
    assert button.inner_text().strip() == "عرض"
    colours = button.evaluate(_COLOURS_JS)
    assert _contrast(colours["text"], colours["background"]) >= 4.5, colours

    totals = page.locator("#fleet-totals")
    assert (
        totals.inner_text().strip()
        == "غير المدفوع: 3 مخالفات، بمبلغ 85.000 دينار أردني (القابل منها للدفع الإلكتروني: 2)."
    )
    assert page.locator("#fleet-table tbody tr").count() == 3
    screenshot(page, "fleet-unpaid-ar-390")
    assert_accessible(page)
    _assert_fits_the_phone(page)

    page.get_by_label("الحالة").select_option("paid")
    button.click()
    page.wait_for_url("**status=paid**")
    assert totals.inner_text().strip() == "المدفوع: مخالفتان، بمبلغ 30.000 دينار أردني."
    assert "غير المدفوع" not in totals.inner_text()
    rows = page.locator("#fleet-table tbody tr")
    assert rows.count() == 2 and all("مدفوعة" in rows.nth(i).inner_text() for i in range(2))
    assert page.get_by_role("button", name="رقم دفع إلكتروني واحد للمخالفات المختارة").count() == 0
    screenshot(page, "fleet-paid-ar-390")
    assert_accessible(page)
    _assert_fits_the_phone(page)

    page.get_by_label("الحالة").select_option("all")
    page.get_by_role("button", name="عرض", exact=True).click()
    page.wait_for_url("**status=all**")
    assert [line for line in totals.inner_text().split("\n") if line.strip()] == [
        "غير المدفوع: 3 مخالفات، بمبلغ 85.000 دينار أردني (القابل منها للدفع الإلكتروني: 2).",
        "المدفوع: مخالفتان، بمبلغ 30.000 دينار أردني.",
    ]
    assert page.locator("#fleet-table tbody tr").count() == 5
    screenshot(page, "fleet-all-ar-390")
    assert_accessible(page)
    _assert_fits_the_phone(page)


def test_fleet_page_for_someone_acting_for_themselves_explains_and_offers_to_act_for_the_company(
    page, user, fleet_world
):
    page.set_viewport_size(PHONE)
    _sign_in_acting_for(page, user)  # a member of the company, acting for themselves
    page.goto(page.live_server_url + "/violations/fleet/")
    assert page.get_by_role("heading", level=2, name="من يمكنه استخدام الاستعلام عن مخالفات الأسطول").is_visible()
    assert page.get_by_role("link", name="استعلم عن مخالفات مركبتك أو رخصة سوقك").get_attribute("href") == (
        "/violations/"
    )
    screenshot(page, "fleet-needs-organisation-ar-390")
    assert_accessible(page)
    _assert_fits_the_phone(page)

    page.get_by_role("button", name="مثّل شركة النقل الحديث").click()
    page.wait_for_url("**/violations/fleet/")
    assert page.locator("#fleet-table tbody tr").count() == 3
    assert page.locator("#fleet-totals").is_visible()


def test_fleet_page_for_someone_with_no_organisation_links_registration_and_the_inquiry(page, other_user):
    page.set_viewport_size(PHONE)
    _sign_in_acting_for(page, other_user)
    page.goto(page.live_server_url + "/violations/fleet/")
    assert page.get_by_role("link", name="سجّل شركتك كجهة").get_attribute("href") == "/accounts/organisations/new/"
    assert page.get_by_role("link", name="جهاتي", exact=True).first.is_visible()
    screenshot(page, "fleet-no-organisation-ar-390")
    assert_accessible(page)
    _assert_fits_the_phone(page)
    page.get_by_role("link", name="سجّل شركتك كجهة").click()
    page.wait_for_url("**/accounts/organisations/new/")
