from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import Bill
from payments.testing import pay_bill
from services.models import IssuedDocument
from violations.constants import SESSION_SUBJECT
from violations.tests.factories import VehicleFactory, ViolationFactory

pytestmark = pytest.mark.django_db

STATEMENT = reverse("violations:statement")


@pytest.fixture
def vehicle():
    vehicle = VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")
    ViolationFactory(vehicle=vehicle, number="V-A", amount=Decimal("15.000"))
    ViolationFactory(vehicle=vehicle, number="V-B", amount=Decimal("20.500"), offence_en="")
    return vehicle


def _prove(client, vehicle):
    session = client.session
    session[SESSION_SUBJECT] = {"kind": "vehicle", "id": vehicle.pk}
    session.save()


def test_statement_pdf_is_an_issued_document_the_owner_downloads_and_anyone_verifies(logged_in, user, vehicle):
    _prove(logged_in, vehicle)
    statement = logged_in.get(STATEMENT).context["statement"]

    response = logged_in.post(reverse("violations:statement-pdf"))

    document = IssuedDocument.objects.get(kind="violations-statement")
    assert response["Location"] == reverse("services:document-download", kwargs={"code": document.code})
    assert document.owner_applicant == user
    pdf = logged_in.get(response["Location"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    summary = dict(document.summary)
    assert statement.bills.all in summary.values()
    assert "35.500" in summary.values()
    verify = logged_in.get(reverse("services:verify", kwargs={"code": document.code}))
    assert verify.status_code == 200 and statement.bills.all in verify.content.decode()


def test_statement_pdf_without_a_proven_subject_goes_back_to_the_inquiry(logged_in):
    response = logged_in.post(reverse("violations:statement-pdf"))
    assert response["Location"] == reverse("violations:inquiry")
    assert not IssuedDocument.objects.exists()


def test_payment_notice_once_paid_for_whoever_proved_the_vehicle(logged_in, client_for, other_user, vehicle):
    _prove(logged_in, vehicle)
    bills = logged_in.get(STATEMENT).context["statement"].bills
    notice_url = reverse("violations:payment-notice", args=[bills.all])
    assert logged_in.get(notice_url).status_code == 404  # not paid yet

    pay_bill(Bill.objects.get(billing_number=bills.all))

    first = logged_in.get(notice_url)
    again = logged_in.get(notice_url)
    assert first.status_code == 302 and first["Location"] == again["Location"]  # issued once, handed out again
    document = IssuedDocument.objects.get(kind="violations-payment-notice")
    assert bills.all in dict(document.summary).values()
    assert logged_in.get(first["Location"]).status_code == 200

    stranger = client_for(other_user)
    assert stranger.get(notice_url).status_code == 404
