"""Seed 002 end to end in headless Chromium, in Arabic, on a phone: the citizen's pages and the staff's admin.

Both paths of the card (expired insurance → pay → released; active → insurer → letter → staff accept →
released) and the 3-day cancellation with the clock frozen. Payments arrive the way eFAWATEERcom sends
them (``payments.testing.pay_bill``: a signed notification to the real endpoint).
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accidents.constants import ClaimStatus
from accidents.models import AccidentClaim
from accidents.tests.factories import ClaimFactory, InsurancePolicyFactory, in_register
from accidents.tests.files import pdf_bytes, png_bytes
from accounts.groups import ACCIDENTS_STAFF, grant
from accounts.tests.factories import UserFactory
from notifications.models import Notification
from payments.constants import BillStatus, PaymentState
from payments.testing import pay_bill
from portal.testing import ARTIFACTS, axe_violations, screenshot
from services.deadlines import deadlines_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _vehicles_in_the_register(db):
    """The vehicles these claims are for, in the Traffic Department's register (a claim needs them there)."""
    in_register("10", "79210", "21045780")
    in_register("22", "41873", "30551207")


S = ClaimStatus
DESKTOP = {"width": 1280, "height": 900}


def assert_accessible(page):
    problems = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in axe_violations(page)
    ]
    assert not problems, f"axe-core found serious/critical problems on {page.url}: {problems}"


def _sign_in(page, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.live_server_url}])


@pytest.fixture
def staff_page(browser, live_server):
    """A second browser: a member of the accidents department in the admin, in Arabic, on a desktop."""
    grant(ACCIDENTS_STAFF, "accidents")
    user = UserFactory(staff=True, full_name_ar="موظف دائرة الإنارة")
    user.groups.add(Group.objects.get(name=ACCIDENTS_STAFF))
    context = browser.new_context(locale="ar-JO", viewport=DESKTOP)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.live_server_url = live_server.url
    _sign_in(page, user)
    yield page
    context.close()


@pytest.fixture
def files(tmp_path):
    sketch = tmp_path / "kroka.png"
    sketch.write_bytes(png_bytes(400, 300))
    letter = tmp_path / "insurer-approval.pdf"
    letter.write_bytes(pdf_bytes())
    not_a_sketch = tmp_path / "kroka.pdf"
    not_a_sketch.write_bytes(b"not a sketch\n" * 20)
    return {"sketch": str(sketch), "letter": str(letter), "not_a_sketch": str(not_a_sketch)}


def _submit_claim(page, files, *, registration, report, insurer=None, policy="", plate=("10", "79210")):
    """The citizen fills the submission screen (step 4) as a person would, in Arabic."""
    page.goto(page.live_server_url + "/accidents/new/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "طلب كف طلب عن حادث سير"
    page.get_by_label("الرمز").fill(plate[0])
    page.get_by_label("رقم المركبة").fill(plate[1])
    page.get_by_label("رقم تسجيل المركبة").fill(registration)
    page.get_by_label("مكان الحادث").fill("شارع الملكة رانيا، قرب دوار الجامعة الأردنية")
    page.get_by_label("عمود إنارة").check()
    page.get_by_label("رقم ضبط الحادث").fill(report)
    if insurer:
        page.get_by_label("شركة تأمين المركبة").select_option(label=insurer)
        page.get_by_label("رقم البوليصة").fill(policy)
    page.get_by_label("رقم الهاتف المتنقل للتواصل").fill("0791234567")

    # Bad input first: a date in the future and a text file posing as a PDF. Refused, typed values kept.
    page.get_by_label("تاريخ الحادث").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    page.get_by_label("كروكة الحادث من دائرة السير").set_input_files(files["not_a_sketch"])
    page.get_by_role("button", name="تقديم الطلب").click()
    assert page.get_by_text("لا يمكن أن يكون تاريخ الحادث في المستقبل.").is_visible()
    assert page.get_by_label("رقم تسجيل المركبة").input_value() == registration
    assert page.get_by_label("عمود إنارة").is_checked()
    assert not AccidentClaim.objects.exists()
    screenshot(page, "accidents-form-errors-ar")
    assert_accessible(page)

    page.get_by_label("تاريخ الحادث").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_label("كروكة الحادث من دائرة السير").set_input_files(files["sketch"])
    page.get_by_role("button", name="تقديم الطلب").click()
    page.wait_for_url("**/my/applications/AC-*/")
    claim = AccidentClaim.objects.get()
    assert page.get_by_text(claim.reference).first.is_visible()
    assert page.get_by_text("بانتظار تقدير قيمة الأضرار").first.is_visible()
    return claim


def _value_in_admin(staff_page, claim):
    """Staff of the lighting department value the damage item by item (step 5)."""
    staff_page.goto(staff_page.live_server_url + "/admin/accidents/accidentclaim/?queue=to_value")
    staff_page.get_by_role("link", name=claim.reference).click()
    staff_page.get_by_role("link", name="تقدير قيمة الأضرار").first.click()
    # A price of zero is refused, and what was typed stays.
    staff_page.locator("[name=items-0-department]").select_option("lighting")
    staff_page.locator("[name=items-0-description]").fill("عمود إنارة مجلفن 9 م")
    staff_page.locator("[name=items-0-quantity]").fill("1")
    staff_page.locator("[name=items-0-unit_price]").fill("0")
    staff_page.get_by_role("button", name="حفظ التقدير والتحقق من التأمين").click()
    assert staff_page.get_by_text("يجب أن يكون سعر الوحدة أكبر من صفر.").is_visible()
    assert staff_page.locator("[name=items-0-description]").input_value() == "عمود إنارة مجلفن 9 م"

    staff_page.locator("[name=items-0-unit_price]").fill("385")
    staff_page.locator("[name=items-1-department]").select_option("lighting")
    staff_page.locator("[name=items-1-description]").fill("أجور فك وتركيب ورافعة")
    staff_page.locator("[name=items-1-quantity]").fill("6")
    staff_page.locator("[name=items-1-unit]").select_option("hour")
    staff_page.locator("[name=items-1-unit_price]").fill("15")
    staff_page.get_by_role("button", name="حفظ التقدير والتحقق من التأمين").click()
    staff_page.wait_for_url(f"**/admin/accidents/accidentclaim/{claim.pk}/change/")
    assert staff_page.get_by_text("475.000").first.is_visible()
    claim.refresh_from_db()
    return claim


def _save_pdf(page, url, name):
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(body)
    return body


def test_expired_insurance_pay_with_the_simulator_then_released(page, staff_page, files, catalogue):
    citizen = UserFactory(full_name_ar="سامر خالد العمري")
    _sign_in(page, citizen)
    claim = _submit_claim(page, files, registration="21045780", report="1234/2026")
    screenshot(page, "accidents-submitted-ar")
    assert_accessible(page)

    claim = _value_in_admin(staff_page, claim)
    assert claim.status == S.AWAITING_PAYMENT and claim.insurance_state == "expired"
    screenshot(staff_page, "accidents-admin-valued-ar")

    # The citizen sees the breakdown, not just a sum, and the e-payment number texted to them.
    page.reload()
    assert page.get_by_text("التأمين على المركبة لم يكن ساري المفعول").is_visible()
    table = page.locator("table.valuation")
    assert table.get_by_text("أجور فك وتركيب ورافعة").is_visible()
    assert table.get_by_text("385.000").count() == 2 and table.get_by_text("475.000").is_visible()
    assert page.get_by_text(claim.bill.billing_number).first.is_visible()
    assert any(claim.bill.billing_number in n.text for n in Notification.objects.filter(application_id=claim.pk))
    screenshot(page, "accidents-awaiting-payment-ar")
    assert_accessible(page)

    # "Pay the damage" leads to the bill, with eFAWATEERcom's instructions.
    page.get_by_role("link", name="الفاتورة وطريقة دفعها").click()
    page.wait_for_url(f"**/payments/bills/{claim.bill.billing_number}/")

    payment = pay_bill(claim.bill)
    assert payment.state == PaymentState.APPLIED

    page.goto(page.live_server_url + claim.get_absolute_url())
    assert page.get_by_text("تم كف الطلب عن مركبتك.").is_visible()
    screenshot(page, "accidents-released-by-payment-ar")
    assert_accessible(page)
    claim.refresh_from_db()
    assert claim.status == S.RELEASED and claim.certificate is not None

    # The financial receipt for the insurer, and the release certificate, both PDFs.
    with page.expect_download() as receipt:
        page.get_by_role("link", name="طباعة الوصل المالي (لمراجعة شركة التأمين)").click()
    assert receipt.value.suggested_filename.endswith(".pdf")
    receipt.value.save_as(ARTIFACTS / "accidents-receipt.pdf")
    certificate_link = page.get_by_role("link", name="تنزيل شهادة كف الطلب (PDF)")
    _save_pdf(page, page.live_server_url + certificate_link.get_attribute("href"), "accidents-release-certificate")

    # Anyone can check the certificate is genuine.
    page.goto(page.live_server_url + f"/verify/{claim.certificate.code}/")
    assert page.get_by_text(claim.reference).first.is_visible()
    assert_accessible(page)


def test_active_insurance_through_the_insurer_letter_accepted_then_released(page, staff_page, files, catalogue):
    policy = InsurancePolicyFactory(
        insurer__code="jic", insurer__name_ar="شركة التأمين الأردنية", registration_number="30551207"
    )
    citizen = UserFactory(full_name_ar="ليلى حسن")
    _sign_in(page, citizen)
    claim = _submit_claim(
        page,
        files,
        registration="30551207",
        plate=("22", "41873"),  # the vehicle the register holds with this registration number
        report="5521/2026",
        insurer="شركة التأمين الأردنية",
        policy=policy.policy_number,
    )
    claim = _value_in_admin(staff_page, claim)
    assert claim.status == S.AWAITING_CHOICE and claim.insurance_state == "active"

    page.reload()
    assert page.get_by_text("كان التأمين على المركبة فعالاً في تاريخ الحادث").is_visible()
    screenshot(page, "accidents-awaiting-choice-ar")
    assert_accessible(page)
    page.get_by_role("button", name="الدفع من خلال شركة التأمين").first.click()

    page.wait_for_url("**/letter/")
    assert page.get_by_role("heading", level=1).inner_text() == "إرفاق كتاب موافقة شركة التأمين"
    screenshot(page, "accidents-letter-upload-ar")
    assert_accessible(page)
    page.get_by_label("كتاب موافقة شركة التأمين").set_input_files(files["letter"])
    page.get_by_role("button", name="إرفاق الكتاب").click()
    page.wait_for_url(f"**{claim.get_absolute_url()}")
    assert page.get_by_text("يقوم الموظفون بالتحقق من كتاب شركة التأمين").is_visible()

    # Choosing again is refused: the choice page sends back with a message.
    page.goto(page.live_server_url + f"/accidents/{claim.reference}/choose/")
    assert page.get_by_text("هذا الطلب لا ينتظر اختيار طريقة الدفع.").is_visible()

    # Staff open the letter from the admin and accept it.
    staff_page.goto(staff_page.live_server_url + "/admin/accidents/accidentclaim/?queue=letters")
    assert (
        staff_page.get_by_role("navigation", name="قوائم العمل")
        .get_by_role("link", name="كتب بانتظار التدقيق (1)")
        .is_visible()
    )
    staff_page.get_by_role("link", name=claim.reference).click()
    staff_page.get_by_role("link", name="تدقيق كتاب شركة التأمين").first.click()
    letter = staff_page.request.get(
        staff_page.live_server_url + f"/admin/accidents/accidentclaim/{claim.pk}/file/letter/"
    )
    assert letter.status == 200 and letter.body().startswith(b"%PDF")
    screenshot(staff_page, "accidents-admin-letter-review-ar")
    staff_page.get_by_label("الكتاب صحيح: كف الطلب عن المركبة").check()
    staff_page.get_by_role("button", name="تسجيل القرار").click()
    staff_page.wait_for_url(f"**/admin/accidents/accidentclaim/{claim.pk}/change/")

    claim.refresh_from_db()
    assert claim.status == S.RELEASED and claim.letter_valid is True and claim.bill is None
    page.goto(page.live_server_url + claim.get_absolute_url())
    assert page.get_by_text("تم كف الطلب عن مركبتك.").is_visible()
    assert page.get_by_role("link", name="تنزيل شهادة كف الطلب (PDF)").is_visible()
    screenshot(page, "accidents-released-by-letter-ar")
    assert_accessible(page)
    certificate_link = page.get_by_role("link", name="تنزيل شهادة كف الطلب (PDF)")
    _save_pdf(page, page.live_server_url + certificate_link.get_attribute("href"), "accidents-certificate-letter")


def test_not_paid_in_three_days_the_claim_is_cancelled_and_the_bill_closed(page, catalogue):
    # The clock is frozen while the claim is billed and while the sweep runs; the browser then looks.
    start = timezone.now() - timedelta(days=4)
    with time_machine.travel(start, tick=False):
        claim = ClaimFactory(awaiting_payment=True, applicant=UserFactory())
    with time_machine.travel(start + timedelta(days=2, hours=1), tick=False):
        deadlines_sweep()  # the reminder, a day before
        assert AccidentClaim.objects.get(pk=claim.pk).status == S.AWAITING_PAYMENT
    with time_machine.travel(start + timedelta(days=3) - timedelta(minutes=1), tick=False):
        assert deadlines_sweep().fired == 0
    with time_machine.travel(start + timedelta(days=3, minutes=1), tick=False):
        assert deadlines_sweep().fired == 1
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED and claim.bill.status == BillStatus.CLOSED
    texts = list(Notification.objects.filter(application_id=claim.pk).order_by("pk").values_list("text", flat=True))
    assert len(texts) >= 4  # received, bill, reminder, cancelled

    _sign_in(page, claim.applicant)
    page.goto(page.live_server_url + claim.get_absolute_url())
    assert page.get_by_text("هذا الطلب ملغى. يمكنك تقديم طلب جديد للحادث نفسه.").is_visible()
    assert page.get_by_text("يجب دفع قيمة الأضرار خلال 3 أيام من إصدار رقم الدفع الإلكتروني").first.is_visible()
    screenshot(page, "accidents-cancelled-by-deadline-ar")
    assert_accessible(page)

    # The closed bill can no longer be paid: the late payment is kept for finance staff.
    assert pay_bill(claim.bill).state == PaymentState.QUEUED
    assert AccidentClaim.objects.get(pk=claim.pk).status == S.CANCELLED


# --- the valuation table on a phone (issue 18, item 13) ---------------------------------------------

PHONE = {"width": 390, "height": 844}

# Every cell of the valuation a person reads (the header row is hidden on a phone), and the table's
# scrolling wrapper: a column "cut off" is one that only scrolling sideways inside it would show.
_VALUATION_BOXES_JS = """() => {
  const table = document.querySelector("table.valuation");
  const wrapper = table.closest(".table-responsive") || table.parentElement;
  const cells = [...table.querySelectorAll("tbody td, tfoot th, tfoot td")].map((cell) => {
    const box = cell.getBoundingClientRect();
    return {text: cell.innerText.trim(), left: box.left, right: box.right};
  });
  return {cells, wrapper: [wrapper.scrollWidth, wrapper.clientWidth],
          page: [document.documentElement.scrollWidth, window.innerWidth]};
}"""


def _assert_valuation_fits(page):
    boxes = page.evaluate(_VALUATION_BOXES_JS)
    width = boxes["page"][1]
    outside = [c for c in boxes["cells"] if c["left"] < 0 or c["right"] > width]
    assert not outside, f"cells outside the {width} px screen on {page.url}: {outside}"
    assert boxes["wrapper"][0] <= boxes["wrapper"][1], f"the table scrolls sideways: {boxes['wrapper']}"
    assert boxes["page"][0] <= width, f"the page overflows: {boxes['page']}"
    return [c["text"] for c in boxes["cells"]]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_valuation_table_fits_a_phone_on_the_claim_page_and_the_choice_page(page, language):
    claim = ClaimFactory(awaiting_choice=True, applicant=UserFactory())
    page.set_viewport_size(PHONE)
    _sign_in(page, claim.applicant)
    page.goto(page.live_server_url + claim.get_absolute_url())
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language

    for url, name in ((claim.get_absolute_url(), "claim"), (f"/accidents/{claim.reference}/choose/", "choose")):
        page.goto(page.live_server_url + url)
        table = page.locator("table.valuation")
        texts = _assert_valuation_fits(page)
        # Each value beside the name of its column, the total last.
        assert "عمود إنارة مجلفن 9 م" in texts and "350.000" in texts and texts[-1] == "400.000"
        price = table.locator("tbody tr").first.locator("td").nth(3)
        label = price.evaluate("(cell) => getComputedStyle(cell, '::before').content")
        assert label.strip('"') == ("Unit price (JOD)" if language == "en" else "سعر الوحدة (دينار)")
        assert table.get_by_text("400.000").is_visible()
        screenshot(page, f"accidents-valuation-{name}-{language}-390")
        assert_accessible(page)
