"""The payer's pages: bill, my bills, receipt. Someone else's bill is 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.party import SESSION_KEY
from accounts.tests.factories import MembershipFactory, OrganisationFactory
from payments.models import Receipt
from payments.testing import pay_bill
from payments.tests.factories import BillFactory

# Each test runs against the disk and against a real S3 server (moto, on 127.0.0.1): issue 19.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage_kind")]


def url(bill, name="payments:bill-detail"):
    return reverse(name, kwargs={"billing_number": bill.billing_number})


def test_payer_sees_number_amount_lines_and_how_to_pay(client, user):
    bill = BillFactory(payer=user, lines=[("violation:1", "15.000"), ("violation:2", "5.500")])
    client.force_login(user)
    response = client.get(url(bill))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{bill.billing_number}"' in html and "js-copy" in html
    assert "20.500" in html and "15.000" in html and "بند violation:1" in html
    assert "أمانة عمان الكبرى" in html
    assert str(bill.get_effective_status_display()) in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_bill_page_in_english(client, user):
    bill = BillFactory(payer=user)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    html = client.get(url(bill)).content.decode()
    assert "How to pay through eFAWATEERcom" in html and "Greater Amman Municipality" in html


def test_someone_elses_bill_is_not_found(client, user, other_user):
    bill = BillFactory(payer=other_user)
    client.force_login(user)
    assert client.get(url(bill)).status_code == 404
    assert client.get(url(bill, "payments:bill-receipt")).status_code == 404


def test_bill_page_needs_login(client, user):
    bill = BillFactory(payer=user)
    assert client.get(url(bill)).status_code == 302


def test_malformed_number_is_not_found_without_lookup(client, user, django_assert_max_num_queries):
    client.force_login(user)
    response = client.get(reverse("payments:bill-detail", kwargs={"billing_number": "1234567890123"}))
    assert response.status_code == 404


def test_organisation_bill_is_seen_by_members_acting_for_it(client, user, other_user):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=user)
    bill = BillFactory(payer=other_user, organisation=organisation)
    client.force_login(user)
    assert client.get(url(bill)).status_code == 404  # acting for themselves
    session = client.session
    session[SESSION_KEY] = organisation.pk
    session.save()
    assert client.get(url(bill)).status_code == 200


def test_my_bills_lists_only_the_partys_bills(client, user, other_user, django_assert_max_num_queries):
    mine = [BillFactory(payer=user) for _ in range(3)]
    theirs = BillFactory(payer=other_user)
    client.force_login(user)
    client.get(reverse("payments:my-bills"))  # warm the session
    with django_assert_max_num_queries(8):
        html = client.get(reverse("payments:my-bills")).content.decode()
    assert all(b.billing_number in html for b in mine) and theirs.billing_number not in html


def test_expired_open_bill_is_shown_expired(client, user):
    bill = BillFactory(payer=user, expires_at=timezone.now() + timedelta(hours=1))
    client.force_login(user)
    import time_machine

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        html = client.get(url(bill)).content.decode()
    assert "How to pay" not in html and "bill-status-expired" in html


def test_receipt_is_only_for_a_paid_bill(client, user):
    bill = BillFactory(payer=user)
    client.force_login(user)
    assert client.get(url(bill, "payments:bill-receipt")).status_code == 404


def test_paid_bill_receipt_downloads_once_issued(client, user, owner):
    bill = BillFactory(payer=user, lines=[("accident:7", "120.000")])
    payment = pay_bill(bill)
    client.force_login(user)
    html = client.get(url(bill)).content.decode()
    assert url(bill, "payments:bill-receipt") in html
    response = client.get(url(bill, "payments:bill-receipt"), follow=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert bill.billing_number in text and "120.000" in text and payment.trx in text
    receipt = Receipt.objects.get(bill=bill)
    # Asking again gives the same document, not a new one.
    client.get(url(bill, "payments:bill-receipt"))
    assert Receipt.objects.count() == 1 and receipt.document.code
    verify = client.get(reverse("services:verify", kwargs={"code": receipt.document.code}))
    assert verify.status_code == 200 and bill.billing_number in verify.content.decode()


def test_pay_bill_helper_replays_without_change(owner):
    bill = BillFactory()
    first = pay_bill(bill)
    again = pay_bill(bill, trx=first.trx)
    assert first.pk == again.pk and owner.calls == [(bill.billing_number, first.trx)]


def test_pay_bill_helper_with_wrong_amount_queues(owner):
    bill = BillFactory(lines=[("k", "10.000")])
    payment = pay_bill(bill, amount="9.000")
    assert payment.state == "queued" and payment.reason == "amount_mismatch"
