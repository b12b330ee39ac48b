"""Done means (issue 5): in Arabic, on a phone, a payer opens their bill, copies the e-payment number,
pays it through eFAWATEERcom (the simulator, over HTTP against the running portal), sees it paid
and downloads the financial receipt (وصل مالي)."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from payments.constants import BillStatus
from payments.models import Payment, Receipt
from payments.tests.factories import BillFactory
from portal.testing import ARTIFACTS, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-Word-123"  # accounts.tests.factories.UserFactory


def _log_in(page, user, next_path):
    page.goto(f"{page.live_server_url}/accounts/login/?next={next_path}")
    page.locator("#id_login").fill(user.national_id)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"**{next_path}")


def test_payer_opens_the_bill_pays_it_with_the_simulator_and_downloads_the_receipt(
    page, user, owner, simulator, tmp_path
):
    bill = BillFactory(
        payer=user,
        lines=[("violation:1", "15.000"), ("violation:2", "5.500")],
        description_ar="مخالفات سير",
        description_en="Traffic violations",
    )
    path = bill.get_absolute_url()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.live_server_url)
    _log_in(page, user, path)

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "مخالفات سير"
    assert page.locator("#billing-number").input_value() == bill.billing_number
    assert page.get_by_text("20.500").first.is_visible()
    assert page.get_by_role("heading", name="طريقة الدفع عبر إي فواتيركم").is_visible()
    assert page.get_by_text("أمانة عمان الكبرى").first.is_visible()
    assert page.get_by_text("مفتوحة", exact=True).is_visible()
    screenshot(page, "payments-bill-ar")
    assert_accessible(page)

    # Copy the number, as a person would to paste it into their bank's app.
    page.get_by_role("button", name="نسخ الرقم").click()
    page.get_by_text("نُسخ").first.wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == bill.billing_number

    # eFAWATEERcom pays it: a signed bill pull, then a signed notification, over HTTP.
    out = simulator(bill.billing_number, "--trx", "BROWSER-1")
    assert "due 20.500 JOD" in out and "JOEBPPSTrx BROWSER-1: result 0" in out
    assert Payment.objects.get(trx="BROWSER-1").state == "applied"
    assert owner.calls == [(bill.billing_number, "BROWSER-1")]

    page.reload()
    assert page.get_by_text("مدفوعة", exact=True).is_visible()
    assert page.get_by_text("هذه الفاتورة مدفوعة. شكراً لكم.").is_visible()
    assert page.get_by_role("heading", name="طريقة الدفع عبر إي فواتيركم").count() == 0
    screenshot(page, "payments-bill-paid-ar")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="تنزيل الوصل المالي (PDF)").click()
    pdf = tmp_path / "receipt.pdf"
    download_info.value.save_as(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert bill.billing_number in text and "20.500" in text and "BROWSER-1" in text
    assert Receipt.objects.get(bill=bill).document.code
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(ARTIFACTS / "payments-receipt-ar")],
            check=True,
        )

    # Paying the same transaction again (eFAWATEERcom retrying) changes nothing.
    simulator(bill.billing_number, "--trx", "BROWSER-1", "--amount", "20.500")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and Payment.objects.count() == 1 and len(owner.calls) == 1


def test_someone_else_gets_404_for_the_bill_and_its_receipt(page, user, other_user):
    bill = BillFactory(payer=other_user)
    _log_in(page, user, "/payments/bills/")
    for url in (bill.get_absolute_url(), f"{bill.get_absolute_url()}receipt/"):
        response = page.goto(f"{page.live_server_url}{url}")
        assert response.status == 404
