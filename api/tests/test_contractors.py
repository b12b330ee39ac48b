"""The app's contractor permit renewal: look-up, renewal without a captcha, status, renewed permit."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from api.tests.test_api import post, sign_in
from contractors.models import RenewalRequest
from contractors.tests.factories import PermitFactory, RenewalRequestFactory
from contractors.workflow import renewal_approve
from notifications.models import Notification
from payments.testing import pay_bill

pytestmark = pytest.mark.django_db
# Like the contractors app's tests: March 2026, a permit of 2026 valid until the year's end.
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Amman"))
PERMIT = {"contractor_number": "55501", "permit_number": "8841", "permit_year": "2026"}
RENEWAL = {**PERMIT, "period_year": 2027, "reason": "لم تنته الأعمال في الموقع بعد"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def permit(db):
    return PermitFactory(contractor__number="55501", contractor__name_ar="شركة النشامى للمقاولات", number="8841")


def test_lookup_shows_the_contractor_and_the_year_that_can_be_renewed(user, permit):
    response = post(sign_in(user), "/api/v1/contractors/lookup", PERMIT)
    assert response.status_code == 200
    data = response.json()
    assert data["found"] and data["renewable"]
    assert data["contractor_name"] == "شركة النشامى للمقاولات"
    # 2026 is covered by the permit itself; 2027 is what can be asked for.
    assert data["years"] == [2027] and data["unavailable_years"] == [2026]
    assert data["permit"]["valid_until"] == "2026-12-31"


def test_every_mismatch_gets_the_same_answer(user, permit):
    client = sign_in(user, language="en")
    answers = [
        post(client, "/api/v1/contractors/lookup", {**PERMIT, "contractor_number": "55502"}),
        post(client, "/api/v1/contractors/lookup", {**PERMIT, "permit_number": "8842"}),
        post(client, "/api/v1/contractors/lookup", {**PERMIT, "permit_year": "2025"}),
    ]
    assert {r.status_code for r in answers} == {404}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert answers[0].json()["code"] == "no_match"


def test_lookup_input_errors_name_the_field_in_arabic(user, permit):
    response = post(sign_in(user), "/api/v1/contractors/lookup", {**PERMIT, "permit_year": "26"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"permit_year": ["أدخل سنة التصريح بأربعة أرقام، مثل 2025."]}


def test_lookups_share_the_website_rate_limit(user, permit, settings):
    settings.CONTRACTORS_RATES = {"lookup": ("3/m",)}
    Client(REMOTE_ADDR="10.1.1.1").post(reverse("contractors:lookup"), PERMIT)  # the website's counter
    client = sign_in(user)
    statuses = [post(client, "/api/v1/contractors/lookup", PERMIT).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # The renewal names the permit again: it counts against the look-up's limit as well.
    assert post(client, "/api/v1/contractors/renewals", RENEWAL).json()["code"] == "rate_limited"


def test_signed_in_user_renews_without_a_captcha_and_the_sms_goes_to_their_mobile(user, permit):
    client = sign_in(user)
    response = post(client, "/api/v1/contractors/renewals", RENEWAL)
    assert response.status_code == 201, response.content
    data = response.json()
    renewal = RenewalRequest.objects.get(reference=data["reference"])
    assert renewal.applicant == user and not renewal.submitted_anonymously
    assert renewal.phone == user.mobile and data["period_year"] == 2027
    assert data["status"] == "submitted" and data["bill"] is None and data["document_code"] is None
    assert [e["to_status"] for e in data["application"]["timeline"]] == ["submitted"]
    assert Notification.objects.filter(application_id=renewal.pk, mobile=user.mobile).exists()
    # The same permit and year again: nothing left to renew.
    again = post(client, "/api/v1/contractors/renewals", RENEWAL)
    assert again.status_code == 409 and again.json()["code"] == "not_renewable"
    assert RenewalRequest.objects.count() == 1


def test_renewal_input_errors_name_their_fields(user, permit):
    client = sign_in(user, language="en")
    response = post(client, "/api/v1/contractors/renewals", {**RENEWAL, "period_year": 2030, "phone": "12345"})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"period_year", "phone"}
    short = post(client, "/api/v1/contractors/renewals", {**RENEWAL, "reason": "abc"})
    assert list(short.json()["fields"]) == ["reason"]
    assert not RenewalRequest.objects.exists()


def test_a_cancelled_permit_cannot_be_renewed(user):
    PermitFactory(contractor__number="55501", number="8841", cancelled=True)
    response = post(sign_in(user, language="en"), "/api/v1/contractors/renewals", RENEWAL)
    assert response.status_code == 409 and response.json()["message"] == (
        "This permit is cancelled and cannot be renewed."
    )


def test_approved_renewal_shows_its_bill_and_once_paid_the_renewed_permit(
    user, permit, staff_user, django_capture_on_commit_callbacks
):
    client = sign_in(user)
    reference = post(client, "/api/v1/contractors/renewals", RENEWAL).json()["reference"]
    renewal = RenewalRequest.objects.get(reference=reference)
    renewal = renewal_approve(
        renewal=renewal,
        staff=staff_user,
        approved_from=dt.date(2027, 1, 1),
        approved_until=dt.date(2027, 12, 31),
        fee=Decimal("150.000"),
    )
    data = client.get(f"/api/v1/contractors/renewals/{reference}").json()
    assert data["status"] == "awaiting_payment" and data["fee"] == "150.000"
    assert len(data["bill"]["billing_number"]) == 13 and data["bill"]["amount"] == "150.000"
    assert data["application"]["next_action"]
    assert client.get(f"/api/v1/contractors/renewals/{reference}/permit.pdf").status_code == 404
    # The renewed permit is issued by a task enqueued once the payment has committed.
    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(renewal.bill)
    data = client.get(f"/api/v1/contractors/renewals/{reference}").json()
    assert data["status"] == "issued" and data["document_url"]
    pdf = client.get(data["document_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["X-Document-Code"] == data["document_code"]
    # The generic applications endpoints list it too.
    assert reference in [a["reference"] for a in client.get("/api/v1/applications").json()]


def test_another_user_gets_404_for_every_renewal_url(
    user, other_user, permit, staff_user, django_capture_on_commit_callbacks
):
    reference = post(sign_in(user), "/api/v1/contractors/renewals", RENEWAL).json()["reference"]
    renewal = RenewalRequest.objects.get(reference=reference)
    renewal = renewal_approve(
        renewal=renewal,
        staff=staff_user,
        approved_from=dt.date(2027, 1, 1),
        approved_until=dt.date(2027, 12, 31),
        fee=Decimal("150.000"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(renewal.bill)
    other = sign_in(other_user)
    for path in (
        f"/api/v1/contractors/renewals/{reference}",
        f"/api/v1/contractors/renewals/{reference}/permit.pdf",
        f"/api/v1/applications/{reference}",
        f"/api/v1/bills/{renewal.bill.billing_number}",
    ):
        response = other.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_a_request_made_without_signing_in_is_not_shown_to_an_app_user(user):
    renewal = RenewalRequestFactory()
    assert renewal.submitted_anonymously
    assert sign_in(user).get(f"/api/v1/contractors/renewals/{renewal.reference}").status_code == 404
