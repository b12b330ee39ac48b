"""The whole path in Arabic, as a licence holder walks it: dues first, an external approval, a failed then
passed inspection, Civil Defence approval, fees paid through the eFAWATEERcom simulator, licence issued
and verified. Staff decisions are taken through the workflow functions (their admin pages have their own tests).
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from accounts.tests.factories import UserFactory
from licensing.constants import SplitStatus
from licensing.models import SplitApplication
from licensing.tests import factories as f
from licensing.workflow import (
    split_approval_record,
    split_civil_defence_decide,
    split_inspection_result,
)
from payments.testing import pay_bill
from portal.testing import ARTIFACTS, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = SplitStatus


def _sign_in(page, user):
    client = Client()
    client.force_login(user)
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    page.context.add_cookies([{**cookie, "url": page.live_server_url}])


def _check(page, name):
    screenshot(page, f"licensing-{name}")
    assert_accessible(page)


def test_a_holder_splits_a_licence_from_dues_to_the_verified_licence_in_arabic(page, catalogue):
    world = f.make_world()
    f.dues(user=world.user, deed="TD-7-700")
    staff = UserFactory(staff=True)
    base = page.live_server_url
    _sign_in(page, world.user)

    # Profession licences → "split this licence" (the card's "add / change profession").
    page.goto(base + "/licensing/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "رخص المهن الخاصة بي"
    _check(page, "licences")
    page.get_by_role("link", name=re.compile("تجزئة هذه الرخصة")).first.click()
    page.wait_for_url("**/licensing/new/**")
    assert page.get_by_label("رقم الرخصة المطلوب التجزئة منها").input_value() == world.licence.number

    # The restaurant needs a construction licence certificate: refused clearly, what was typed kept.
    page.get_by_label("الرقم المرجعي لسند ملكية العقار").fill("TD-7-700")
    page.get_by_label("المهنة الجديدة").select_option(str(world.restaurant.pk))
    page.get_by_label("الاسم التجاري").fill("مطعم الياسمين")
    page.get_by_label("مساحة الجزء المراد تجزئته (م²)").fill("55")
    page.get_by_role("button", name="تقديم الطلب").click()
    assert page.get_by_text("تتطلب شهادة ترخيص إنشائي: أدخل رقمها المرجعي").is_visible()
    assert page.get_by_label("الاسم التجاري").input_value() == "مطعم الياسمين"
    _check(page, "form-error")
    page.get_by_label("الرقم المرجعي لشهادة الترخيص الإنشائي").fill("CL-2026-118")
    page.get_by_role("button", name="تقديم الطلب").click()

    # Dues first: one e-payment number; the standard time is shown.
    page.wait_for_url("**/my/applications/PL*/")
    application = SplitApplication.objects.get()
    assert application.status == S.AWAITING_DUES
    assert page.locator(".dues-billing-number").inner_text() == application.dues_bill.billing_number
    assert "110.500" in page.locator(".licensing-panel").inner_text()
    assert "3 أيام عمل" in page.locator(".standard-time").inner_text()  # counted from STANDARD_WORKING_DAYS
    _check(page, "dues")
    pay_bill(application.dues_bill)

    # Paid → accepted automatically, waiting for the Ministry of Health.
    page.reload()
    assert "بانتظار الموافقات الخارجية" in page.locator("main").inner_text()
    assert "متوقع الإنجاز" in page.locator(".standard-time").inner_text()
    split_approval_record(application=application, body=world.health, approved=True, actor=staff)

    # Book an inspection from the published slots.
    page.reload()
    page.get_by_role("link", name="احجز موعد كشف").first.click()
    page.wait_for_url("**/book/")
    _check(page, "book")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="احجز هذا الموعد").click()
    page.wait_for_url("**/my/applications/PL*/")
    assert "تم حجز موعد الكشف" in page.locator("main").inner_text()

    # Not compliant → corrections → a new booking → compliant (each result once the visit has begun).
    f.visit_begins(application)
    split_inspection_result(application=application, compliant=False, findings="تركيب طفاية حريق", actor=staff)
    page.reload()
    assert "تركيب طفاية حريق" in page.locator(".licensing-panel").inner_text()
    page.get_by_role("link", name="تأكيد تصويب الأوضاع").first.click()
    page.wait_for_url("**/corrections/")
    _check(page, "corrections")
    page.get_by_role("button", name="تأكيد التصويب وحجز كشف جديد").click()
    assert page.get_by_text("ضع إشارة في المربع لتأكيد تصويب الأوضاع.").is_visible()
    page.get_by_label("أؤكد أنه تم تصويب جميع الملاحظات التي وردت في الكشف.").check()
    page.get_by_label("ما الذي تم عمله (اختياري)").fill("تم تركيب طفاية حريق")
    page.get_by_role("button", name="تأكيد التصويب وحجز كشف جديد").click()
    page.wait_for_url("**/book/")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="احجز هذا الموعد").click()
    page.wait_for_url("**/my/applications/PL*/")
    f.visit_begins(application)
    split_inspection_result(application=application, compliant=True, actor=staff)
    split_civil_defence_decide(application=application, approved=True, actor=staff, reference="CD-55")

    # Approved: the fees from the fee table, with their own e-payment number and deadline.
    page.reload()
    application.refresh_from_db()
    assert application.status == S.AWAITING_PAYMENT
    assert page.locator(".fees-billing-number").inner_text() == application.fees_bill.billing_number
    _check(page, "fees")
    pay_bill(application.fees_bill)

    # Paid: the licence is issued; download it and check it on the verification page.
    page.reload()
    application.refresh_from_db()
    assert application.status == S.ISSUED
    licence = application.new_licence
    assert f"صدرت رخصة المهن الجديدة رقم {licence.number}" in page.locator("main").inner_text()
    _check(page, "issued")
    pdf = page.request.get(base + f"/documents/{licence.document.code}/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "licensing-licence.pdf").write_bytes(pdf.body())
    page.get_by_role("link", name="التحقق من الرخصة").click()
    assert page.get_by_text("وثيقة صحيحة").is_visible() or page.locator(".alert-success").count() == 1
    assert licence.number in page.locator("main").inner_text()
    _check(page, "verified")


def test_staff_see_the_queues_and_the_case_file_in_arabic(page):
    world = f.make_world()
    staff = UserFactory(staff=True, is_superuser=True)
    application = f.advance(world, staff, to="awaiting_corrections")
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, staff)
    page.goto(page.live_server_url + "/admin/licensing/splitapplication/")
    queues = page.locator(".licensing-queues")
    assert "بانتظار تصويب الأوضاع (1)" in queues.inner_text()
    screenshot(page, "licensing-admin-queues")
    page.get_by_role("link", name=application.reference).click()
    assert "طفاية حريق" in page.locator("#content").inner_text()
    assert page.get_by_role("link", name="إلغاء الطلب").count() >= 1
    screenshot(page, "licensing-admin-case")
