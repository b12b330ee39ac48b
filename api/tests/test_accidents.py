"""The app's accident claim release: multipart submit with the sketch, the payment choice, the insurer's
letter, the valuation, the bill and its receipt, the release certificate — and nobody else's claims."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accidents.models import AccidentClaim
from accidents.tests.factories import DEFAULT_TOTAL, ClaimFactory, InsuranceCompanyFactory, in_register
from accidents.tests.files import letter_pdf, program_as_png, sketch_png, text_as_pdf
from accidents.workflow import claim_certificate_issue, claim_letter_decide
from accounts.tests.factories import MembershipFactory
from api.tests.test_api import post, sign_in
from payments.testing import pay_bill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vehicles_in_the_register(db):
    """The vehicles these claims are for, in the Traffic Department's register (a claim needs them there)."""
    in_register("10", "79210", "4412345")


def claim_fields(**overrides) -> dict:
    fields = {
        "plate_code": "10",
        "plate_number": "79210",
        "registration_number": "4412345",
        "accident_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "accident_place": "شارع الملكة رانيا، قرب الجامعة الأردنية",
        "damaged_property": ["lamp_post", "kerb"],
        "police_report_number": "PR-2026-1",
    }
    fields.update(overrides)
    return fields


def submit(client, sketch=None, **overrides):
    return client.post("/api/v1/accidents/claims", {**claim_fields(**overrides), "sketch": sketch or sketch_png()})


def test_options_list_what_can_be_damaged_and_the_insurers_in_the_language_asked(user):
    insurer = InsuranceCompanyFactory(code="jic", name_ar="شركة التأمين الأردنية", name_en="Jordan Insurance")
    data = sign_in(user, language="en").get("/api/v1/accidents/options").json()
    assert {"value": "lamp_post", "label": "Lamp post"} in data["damaged_property"]
    assert [m["value"] for m in data["payment_methods"]] == ["personal", "insurer"]
    assert {"id": insurer.pk, "code": "jic", "name": "Jordan Insurance"} in data["insurers"]
    arabic = sign_in(user, language="ar").get("/api/v1/accidents/options").json()
    assert {"id": insurer.pk, "code": "jic", "name": "شركة التأمين الأردنية"} in arabic["insurers"]


def test_claim_is_submitted_as_multipart_with_the_sketch(user):
    insurer = InsuranceCompanyFactory()
    response = submit(sign_in(user), insurer=str(insurer.pk), policy_number="pol 77")
    assert response.status_code == 201, response.content
    data = response.json()
    claim = AccidentClaim.objects.get(reference=data["reference"])
    assert claim.applicant == user and claim.damaged_property == ["lamp_post", "kerb"]
    assert claim.declared_insurer == insurer and claim.contact_mobile == user.mobile
    assert data["status"] == "submitted" and data["plate"] == "10-79210"
    assert data["sketch"]["content_type"] == "image/png" and data["sketch"]["name"] == "kroka.png"
    assert data["damage_amount"] is None and data["valuation"] == [] and data["bill"] is None
    assert [e["to_status"] for e in data["application"]["timeline"]] == ["submitted"]


@pytest.mark.parametrize("bad_file", [text_as_pdf, program_as_png])
def test_a_sketch_that_is_not_an_image_or_pdf_is_refused_by_content(user, bad_file):
    response = submit(sign_in(user), sketch=bad_file())
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert list(fields) == ["sketch"] and fields["sketch"][0].startswith("تُقبل")
    assert not AccidentClaim.objects.exists()


def test_input_errors_name_each_field(user):
    client = sign_in(user, language="en")
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = submit(client, accident_date=future, damaged_property=["piano"], plate_code="abc")
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"accident_date", "damaged_property", "plate_code"}
    missing = client.post("/api/v1/accidents/claims", claim_fields())  # no sketch
    assert missing.status_code == 422 and "sketch" in missing.json()["fields"]


def test_a_second_claim_for_the_same_police_report_is_refused(user):
    client = sign_in(user)
    assert submit(client).status_code == 201
    again = submit(client)
    assert again.status_code == 422 and list(again.json()["fields"]) == ["police_report_number"]


def test_a_claim_for_a_vehicle_that_is_in_no_register_is_refused(user):
    """Issue 18, item 1, through the app: the same answer as the website, on the registration number."""
    response = submit(
        sign_in(user, language="en"), plate_code="99", plate_number="12345", registration_number="1234567"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["registration_number"]
    assert "register" in response.json()["fields"]["registration_number"][0]
    assert not AccidentClaim.objects.exists()


def test_the_police_report_number_is_kept_as_typed_and_compared_normalised(user):
    """Issue 18, item 6: "PR-2026-5512" became "PR20265512" everywhere."""
    client = sign_in(user)
    response = submit(client, police_report_number="PR-2026-5512")
    assert response.status_code == 201 and response.json()["police_report_number"] == "PR-2026-5512"
    assert AccidentClaim.objects.get().police_report_number == "PR-2026-5512"
    again = submit(client, police_report_number="pr 2026 ٥٥١٢")  # the same report, typed another way
    assert again.status_code == 422 and list(again.json()["fields"]) == ["police_report_number"]


def test_paying_personally_gives_a_bill_then_a_receipt_and_a_release_certificate(user):
    claim = ClaimFactory(applicant=user, awaiting_choice=True)
    client = sign_in(user)
    base = f"/api/v1/accidents/claims/{claim.reference}"
    data = client.get(base).json()
    # The valuation item by item, and the insurance check that led to the choice.
    assert data["damage_amount"] == f"{DEFAULT_TOTAL:.3f}"
    assert [i["amount"] for i in data["valuation"]] == ["350.000", "50.000"]
    assert data["insurance"]["state"] == "active" and data["can_choose_payment_method"]
    response = post(client, f"{base}/payment-method", {"method": "personal"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "awaiting_payment" and data["payment_method"] == "personal"
    number = data["bill"]["billing_number"]
    assert client.get(f"{base}/bill").json()["billing_number"] == number
    assert client.get(f"{base}/receipt.pdf").status_code == 404  # not paid yet
    # Chosen once.
    again = post(client, f"{base}/payment-method", {"method": "insurer"})
    assert again.status_code == 409 and again.json()["code"] == "wrong_status"
    pay_bill(AccidentClaim.objects.get(pk=claim.pk).bill)
    data = client.get(base).json()
    assert data["status"] == "released" and data["receipt_url"]
    receipt = client.get(data["receipt_url"])
    assert receipt.status_code == 200 and b"".join(receipt.streaming_content).startswith(b"%PDF")
    claim_certificate_issue(claim_id=claim.pk)  # the Celery task's work, run here
    data = client.get(base).json()
    certificate = client.get(data["certificate_url"])
    assert certificate.status_code == 200 and certificate["X-Document-Code"] == data["certificate_code"]


def test_through_the_insurer_the_letter_is_uploaded_and_checked(user, staff_user):
    claim = ClaimFactory(applicant=user, awaiting_choice=True)
    client = sign_in(user, language="en")
    base = f"/api/v1/accidents/claims/{claim.reference}"
    # The letter is refused while it is not asked for.
    early = client.post(f"{base}/letter", {"letter": letter_pdf()})
    assert early.status_code == 409 and early.json()["code"] == "wrong_status"
    data = post(client, f"{base}/payment-method", {"method": "insurer"}).json()
    assert data["status"] == "awaiting_letter" and data["letter_wanted"] and data["bill"] is None
    bad = client.post(f"{base}/letter", {"letter": text_as_pdf()})
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["letter"]
    response = client.post(f"{base}/letter", {"letter": letter_pdf()})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "letter_review" and data["letter"]["content_type"] == "application/pdf"
    claim_letter_decide(claim=claim, actor=staff_user, valid=True)
    assert client.get(base).json()["status"] == "released"


def test_a_bad_payment_method_names_the_field(user):
    claim = ClaimFactory(applicant=user, awaiting_choice=True)
    response = post(sign_in(user), f"/api/v1/accidents/claims/{claim.reference}/payment-method", {"method": "cash"})
    assert response.status_code == 422 and list(response.json()["fields"]) == ["method"]


def test_submissions_share_the_website_rate_limit(user):
    client = sign_in(user)
    website = Client(REMOTE_ADDR="10.1.1.1")
    website.force_login(user)
    for _ in range(10):
        website.post(reverse("accidents:start"), {})
    statuses = [submit(client, sketch=text_as_pdf()).status_code for _ in range(11)]
    # 20 an hour per user, the website's posts included; refused input counts too.
    assert statuses == [422] * 10 + [429]


def test_another_user_gets_404_for_every_claim_url(user, other_user):
    claim = ClaimFactory(applicant=user, awaiting_choice=True)
    client = sign_in(user)
    base = f"/api/v1/accidents/claims/{claim.reference}"
    post(client, f"{base}/payment-method", {"method": "personal"})
    bill = AccidentClaim.objects.get(pk=claim.pk).bill
    pay_bill(bill)
    claim_certificate_issue(claim_id=claim.pk)
    assert client.get(f"{base}/certificate.pdf").status_code == 200
    other = sign_in(other_user)
    for path in (
        base,
        f"{base}/bill",
        f"{base}/receipt.pdf",
        f"{base}/certificate.pdf",
        f"/api/v1/bills/{bill.billing_number}",
    ):
        response = other.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert post(other, f"{base}/payment-method", {"method": "personal"}).status_code == 404
    assert other.post(f"{base}/letter", {"letter": letter_pdf()}).status_code == 404


def test_another_users_open_claim_cannot_be_acted_on(user, other_user):
    claim = ClaimFactory(applicant=user, awaiting_choice=True)
    other = sign_in(other_user)
    response = post(other, f"/api/v1/accidents/claims/{claim.reference}/payment-method", {"method": "insurer"})
    assert response.status_code == 404
    assert AccidentClaim.objects.get(pk=claim.pk).payment_method == ""


def test_a_claim_made_for_an_organisation_belongs_to_its_members_acting_for_it(user, other_user):
    membership = MembershipFactory(user=user)
    MembershipFactory(user=other_user, organisation=membership.organisation)
    owner, colleague = sign_in(user), sign_in(other_user)
    for client in (owner, colleague):
        client.put("/api/v1/me/party", {"organisation_id": membership.organisation_id}, content_type="application/json")
    reference = submit(owner).json()["reference"]
    assert AccidentClaim.objects.get(reference=reference).organisation == membership.organisation
    assert colleague.get(f"/api/v1/accidents/claims/{reference}").status_code == 200
    # Acting for oneself again, as on the website: the organisation's claims are not one's own.
    colleague.put("/api/v1/me/party", {"organisation_id": None}, content_type="application/json")
    assert colleague.get(f"/api/v1/accidents/claims/{reference}").status_code == 404


def test_a_step_out_of_turn_is_a_409_in_arabic(user):
    claim = ClaimFactory(applicant=user)
    response = sign_in(user).post(f"/api/v1/accidents/claims/{claim.reference}/letter", {"letter": letter_pdf()})
    assert response.status_code == 409
    assert response.json() == {"code": "wrong_status", "message": "لا يُطلب كتاب من شركة التأمين على هذا الطلب."}
