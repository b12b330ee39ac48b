import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from contractors.constants import RenewalStatus
from contractors.models import RenewalRequest
from contractors.tasks import renewed_permit_issue
from contractors.tests.factories import PermitFactory, RenewalRequestFactory
from contractors.workflow import RenewalRefusedError, documents, renewal_approve, renewal_default_period, renewal_submit
from notifications.models import Notification
from payments.constants import BillStatus
from payments.testing import pay_bill
from services.deadlines import deadlines_sweep
from services.models import IssuedDocument

pytestmark = pytest.mark.django_db


def _approved(permit, staff, **kwargs):
    renewal = RenewalRequestFactory(permit=permit, **kwargs)
    start, end = renewal_default_period(renewal=renewal)
    return renewal_approve(
        renewal=renewal, staff=staff, approved_from=start, approved_until=end, fee=Decimal("150.000")
    )


def test_paying_the_bill_issues_the_renewed_permit_and_extends_it(
    frozen, permit, staff, django_capture_on_commit_callbacks
):
    renewal = _approved(permit, staff, phone="+962791112233")

    # The renewed permit is issued by a task enqueued once the payment has committed.
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay_bill(renewal.bill)

    renewal = RenewalRequest.objects.get(pk=renewal.pk)
    permit.refresh_from_db()
    assert payment.state == "applied" and renewal.bill.status == BillStatus.PAID
    assert renewal.status == RenewalStatus.ISSUED and renewal.closed_at is not None and renewal.deadline_at is None
    assert permit.valid_until == dt.date(2027, 12, 31) and permit.status == "active"
    document = renewal.renewed_permit()
    assert document.kind == "contractor_permit" and document.owner_applicant is None  # anonymous applicant
    assert "31 ديسمبر 2027" in [value for _label, value in document.summary]  # the one date format (ar)
    text = "".join(page.extract_text() for page in PdfReader(document.pdf.open("rb")).pages)
    assert permit.number in text and renewal.reference in text
    sms = Notification.objects.get(dedupe_key=f"contractors:{renewal.pk}:issued")
    assert sms.mobile == "+962791112233" and document.code[:4] in sms.text.replace("-", "")


def test_a_failing_render_leaves_the_payment_applied_and_a_rerun_issues_the_permit_once(
    frozen, permit, staff, monkeypatch, django_capture_on_commit_callbacks
):
    renewal = _approved(permit, staff)

    def broken_render(**kwargs):
        raise OSError("private storage is full")

    with monkeypatch.context() as patched:
        patched.setattr(documents, "document_issue", broken_render)
        with django_capture_on_commit_callbacks(execute=True):
            payment = pay_bill(renewal.bill)

    renewal = RenewalRequest.objects.get(pk=renewal.pk)
    assert payment.state == "applied" and renewal.bill.status == BillStatus.PAID
    assert renewal.status == RenewalStatus.ISSUED and renewal.renewed_permit() is None
    assert not Notification.objects.filter(dedupe_key=f"contractors:{renewal.pk}:issued").exists()

    renewed_permit_issue.delay(renewal.pk, payment.pk)
    renewed_permit_issue.delay(renewal.pk, payment.pk)

    assert IssuedDocument.objects.filter(application=renewal.pk).count() == 1
    assert Notification.objects.filter(dedupe_key=f"contractors:{renewal.pk}:issued").count() == 1


def test_the_renewed_permit_verifies_publicly(client, frozen, permit, staff, django_capture_on_commit_callbacks):
    renewal = _approved(permit, staff)
    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(renewal.bill)
    document = RenewalRequest.objects.get(pk=renewal.pk).renewed_permit()

    page = client.get(f"/verify/{document.code}/").content.decode()

    assert permit.contractor.name_ar in page and "31 ديسمبر 2027" in page


def test_a_permit_renewed_for_a_year_cannot_be_renewed_for_it_again(client, frozen, permit, staff):
    renewal = _approved(permit, staff)
    pay_bill(renewal.bill)

    with pytest.raises(RenewalRefusedError) as refused:
        renewal_submit(permit=permit, period_year=2027, reason="مرة أخرى", phone="+962791112233")
    data = client.post(
        reverse("contractors:lookup"),
        {"contractor_number": "55501", "permit_number": "8841", "permit_year": "2026"},
        HTTP_ACCEPT="application/json",
    ).json()

    assert refused.value.code == "period_taken"
    assert data["found"] and not data["renewable"] and data["unavailable_years"] == [2026, 2027]
    assert "2027" in data["message"] and "captcha" not in data


def test_a_replayed_payment_issues_nothing_more(frozen, permit, staff, django_capture_on_commit_callbacks):
    renewal = _approved(permit, staff)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay_bill(renewal.bill)

    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(renewal.bill, trx=payment.trx)

    assert IssuedDocument.objects.filter(application=renewal.pk).count() == 1


def test_a_logged_in_owner_gets_the_document_in_their_name(
    frozen, permit, staff, user, django_capture_on_commit_callbacks
):
    renewal = _approved(permit, staff, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(renewal.bill)

    document = RenewalRequest.objects.get(pk=renewal.pk).renewed_permit()
    assert document.owner_applicant == user


def test_an_unpaid_approval_is_cancelled_at_the_deadline_and_frees_the_period(frozen, permit, staff):
    renewal = _approved(permit, staff, phone="+962791112233")
    bill = renewal.bill

    frozen.shift(dt.timedelta(days=7, minutes=1))
    deadlines_sweep()

    renewal = RenewalRequest.objects.get(pk=renewal.pk)
    bill.refresh_from_db()
    assert renewal.status == RenewalStatus.CANCELLED and not renewal.holds_period
    assert bill.status in (BillStatus.CLOSED, BillStatus.EXPIRED)
    assert Notification.objects.filter(dedupe_key=f"contractors:{renewal.pk}:expired", mobile="+962791112233").exists()
    # The same period can be asked again.
    assert renewal_submit(permit=permit, period_year=2027, reason="من جديد", phone="+962791112233").pk


def test_an_expired_permit_is_active_again_once_renewed(frozen, staff):
    permit = PermitFactory(expired=True)  # 2025, ran out on 2025-12-31
    renewal = RenewalRequestFactory(permit=permit, period_year=2026)
    start, end = renewal_default_period(renewal=renewal)
    assert (start, end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    renewal = renewal_approve(renewal=renewal, staff=staff, approved_from=start, approved_until=end, fee=Decimal("99"))

    pay_bill(renewal.bill)

    permit.refresh_from_db()
    assert permit.status == "active" and permit.valid_until == dt.date(2026, 12, 31)


def test_a_paid_renewal_fee_has_its_receipt_where_the_request_is_followed(
    client, frozen, permit, staff, django_capture_on_commit_callbacks
):
    """Issue 18, item 5: a paid contractor renewal fee had no receipt on its tracking page."""
    renewal = _approved(permit, staff, phone="+962771112233")
    detail = reverse("contractors:track-detail", kwargs={"reference": renewal.reference})
    receipt = reverse("contractors:track-receipt", kwargs={"reference": renewal.reference})
    client.post(reverse("contractors:track"), {"reference": renewal.reference, "phone": "0771112233"})
    assert receipt not in client.get(detail).content.decode()
    assert client.get(receipt).status_code == 404  # not paid yet
    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(renewal.bill)

    assert receipt in client.get(detail).content.decode()
    response = client.get(receipt)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    sms = Notification.objects.get(dedupe_key=f"contractors:{renewal.pk}:issued")  # to the phone on the request
    assert "الوصل المالي" in sms.text
