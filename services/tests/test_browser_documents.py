"""The inbox and the public document check in a browser: Arabic, phone-sized, accessible."""

import shutil
import subprocess

import pytest

from notifications.outbox import notify
from portal.testing import ARTIFACTS, assert_accessible, menu_open, screenshot
from services.documents import code_display, code_new, document_issue
from services.tests.factories_applications import DemoApplicationFactory
from services.tests.test_browser_applications import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def document(test_templates, user):
    return document_issue(
        kind="accident_release",
        template="services_tests/sample_pdf.html",
        context={
            "name": "محمد أحمد العلي",
            "reference": "AC-7KQ4-M9X",
            "amount": "125.500",
            "note": "تم تحرير المركبة بعد دفع قيمة الأضرار كاملة",
        },
        title="إشعار تحرير مركبة",
        summary={"اسم المستفيد": "محمد أحمد العلي", "المبلغ": "125.500 دينار"},
        owner_applicant=user,
    )


def test_the_inbox_lists_my_messages_in_arabic_on_a_phone(page, user, other_user, demo_workflow):
    application = DemoApplicationFactory(applicant=user)
    notify(
        text="تم استلام طلبك {reference}.",
        context={"reference": application.reference},
        recipient=user,
        dedupe_key="b:1",
        application=application,
    )
    notify(text="رمز التحقق الخاص بك هو 482913.", recipient=user, dedupe_key="b:2")
    notify(text="رسالة لشخص آخر", recipient=other_user, dedupe_key="b:3")
    _sign_in(page, user)
    page.goto(page.live_server_url + "/")
    menu_open(page)
    page.get_by_role("link", name="رسائلي").click()
    page.wait_for_url("**/my/messages/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "رسائلي"
    items = page.locator(".inbox > li")
    assert items.count() == 2
    assert page.get_by_text("رسالة لشخص آخر").count() == 0
    assert items.first.get_by_text("جديدة").is_visible()
    items.filter(has_text=application.reference).get_by_role("link").click()
    page.wait_for_url(f"**{application.get_absolute_url()}")
    page.go_back()
    page.wait_for_url("**/my/messages/")
    screenshot(page, "inbox-ar")
    assert_accessible(page)


def test_anyone_checks_a_document_by_its_code_in_arabic_on_a_phone(page, document):
    page.goto(page.live_server_url + "/verify/")
    page.get_by_label("رمز التحقق").fill(document.display_code.lower().replace("-", " "))
    page.get_by_role("button", name="تحقّق").click()
    page.wait_for_url(f"**/verify/{document.display_code}/")
    status = page.get_by_role("status").first
    assert "وثيقة صحيحة" in status.inner_text()
    details = page.locator("main dl").inner_text()
    assert "إشعار تحرير مركبة" in details
    assert "125.500 دينار" in details
    screenshot(page, "verify-genuine-ar")
    assert_accessible(page)

    forged = code_display(code_new())
    response = page.goto(page.live_server_url + f"/verify/{forged}/")
    assert response.status == 404
    assert "لا توجد وثيقة" in page.get_by_role("alert").inner_text()
    assert forged in page.locator("main").inner_text()  # says which code it looked up
    screenshot(page, "verify-unknown-ar")
    assert_accessible(page)

    page.goto(page.live_server_url + "/verify/")
    page.get_by_label("رمز التحقق").fill("1234-ABCD")
    page.get_by_role("button", name="تحقّق").click()
    assert page.get_by_label("رمز التحقق").input_value() == "1234-ABCD"
    assert page.locator("#id_code_error").is_visible()
    screenshot(page, "verify-typo-ar")
    assert_accessible(page)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_the_issued_pdf_is_kept_as_an_image_for_people_to_look_at(document):
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "issued-document-ar.pdf"
    pdf.write_bytes(document.pdf.read())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(ARTIFACTS / "issued-document-ar")], check=True
    )
    assert (ARTIFACTS / "issued-document-ar.png").stat().st_size > 5000
