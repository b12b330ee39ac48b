"""The applicant's pages: submit, see the valuation, choose, upload the letter, pay, print; in Arabic."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accidents.constants import ClaimStatus, PaymentMethod
from accidents.models import AccidentClaim
from accidents.tests.factories import DEFAULT_LINES, ClaimFactory, InsurancePolicyFactory, in_register
from accidents.tests.files import letter_pdf, png_bytes, sketch_png, text_as_pdf
from accounts.party import SESSION_KEY
from accounts.tests.factories import MembershipFactory
from payments.testing import pay_bill
from services.models import ApplicationEvent, Upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vehicles_in_the_register(db):
    """The vehicles these claims are for, in the Traffic Department's register (a claim needs them there)."""
    in_register("10", "79210", "21045780")


S = ClaimStatus


def _form(**overrides):
    data = {
        "plate_code": "10",
        "plate_number": "79210",
        "registration_number": "21045780",
        "accident_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "accident_place": "شارع الملكة رانيا",
        "damaged_property": ["lamp_post", "tree"],
        "damage_description": "سقط عمود الإنارة",
        "police_report_number": "PR-2026-551",
        "contact_mobile": "٠٧٩١٢٣٤٥٦٧",
        "insurer": "",
        "policy_number": "",
        "sketch": sketch_png(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _login(client, claim_or_user):
    user = getattr(claim_or_user, "applicant", claim_or_user)
    client.force_login(user)
    organisation_id = getattr(claim_or_user, "organisation_id", None)
    if organisation_id:
        session = client.session
        session[SESSION_KEY] = organisation_id
        session.save()
    return user


def _detail(client, claim):
    return client.get(reverse("services:application-detail", kwargs={"reference": claim.reference}))


# --- step 4: the submission screen ------------------------------------------------------------------


def test_the_form_asks_to_sign_in_first(client):
    response = client.get(reverse("accidents:start"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_submitting_the_form_creates_the_claim_and_shows_its_page(client, user):
    _login(client, user)
    response = client.post(reverse("accidents:start"), _form())
    claim = AccidentClaim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("services:application-detail", kwargs={"reference": claim.reference})
    assert claim.applicant == user and claim.organisation is None and claim.status == S.SUBMITTED
    # Issue 18, item 6: kept as typed (it was stored as "PR2026551"); compared in its normalised form.
    assert claim.police_report_number == "PR-2026-551" and claim.open_report_key == "PR2026551"
    assert claim.contact_mobile == "+962791234567"
    assert claim.damaged_property == ["lamp_post", "tree"]
    page = client.get(response["Location"]).content.decode()
    assert claim.reference in page
    assert "عمود إنارة" in page and "بانتظار تقدير قيمة الأضرار" in page
    assert claim.sketch.get_absolute_url() in page


def test_an_organisation_member_submits_for_the_organisation(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.organisation_id
    session.save()
    client.post(reverse("accidents:start"), _form())
    assert AccidentClaim.objects.get().organisation == membership.organisation


@pytest.mark.parametrize(
    ("overrides", "field", "arabic"),
    [
        ({"sketch": None}, "sketch", "هذا الحقل مطلوب"),
        ({"sketch": text_as_pdf()}, "sketch", "PDF"),
        (
            {"accident_date": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "accident_date",
            "لا يمكن أن يكون تاريخ الحادث في المستقبل",
        ),
        ({"damaged_property": []}, "damaged_property", "هذا الحقل مطلوب"),
        ({"contact_mobile": "12345"}, "contact_mobile", "رقم هاتف متنقل أردني"),
        ({"policy_number": "POL-1"}, "insurer", "اختر شركة التأمين"),
    ],
)
def test_bad_input_is_refused_with_a_clear_arabic_message_and_keeps_what_was_typed(
    client, user, overrides, field, arabic
):
    _login(client, user)
    response = client.post(reverse("accidents:start"), _form(**overrides))
    assert response.status_code == 400
    assert not AccidentClaim.objects.exists() and not Upload.objects.exists()
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert arabic in page
    # What was typed is still there.
    assert 'value="79210"' in page and 'value="21045780"' in page and "شارع الملكة رانيا" in page
    # The error is tied to its field for screen readers.
    assert f'id="error_1_id_{field}"' in page or f"id_{field}" in page


def test_a_second_request_for_the_same_police_report_is_refused_on_the_form(client, user):
    _login(client, user)
    client.post(reverse("accidents:start"), _form())
    response = client.post(reverse("accidents:start"), _form(sketch=sketch_png()))
    assert response.status_code == 400
    assert "police_report_number" in response.context["form"].errors
    assert AccidentClaim.objects.count() == 1 and Upload.objects.count() == 1


def test_a_photo_sketch_with_a_pdf_name_is_judged_by_content(client, user):
    _login(client, user)
    sketch = SimpleUploadedFile("kroka.pdf", png_bytes(), content_type="application/pdf")
    response = client.post(reverse("accidents:start"), _form(sketch=sketch))
    assert response.status_code == 302
    assert AccidentClaim.objects.get().sketch.content_type == "image/png"


# --- step 5: the applicant sees the breakdown -----------------------------------------------------------


def test_the_applicant_sees_every_valuation_line_not_just_the_total(client):
    claim = ClaimFactory(awaiting_payment=True)
    _login(client, claim)
    page = _detail(client, claim).content.decode()
    for line in DEFAULT_LINES:
        assert line.description in page
    assert "350.000" in page and "12.500" in page and "400.000" in page
    assert claim.bill.billing_number in page
    assert "التأمين على المركبة لم يكن ساري المفعول" in page


# --- step 7: the choice -------------------------------------------------------------------------------


def test_the_choice_page_shows_the_valuation_and_both_ways(client):
    claim = ClaimFactory(awaiting_choice=True)
    _login(client, claim)
    response = client.get(reverse("accidents:choose", kwargs={"reference": claim.reference}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "400.000" in page and "دفع شخصي" in page and "من خلال شركة التأمين" in page


def test_the_insurers_arabic_name_is_isolated_on_the_english_pages(client):
    """On an English page an Arabic insurer name ending in a digit pulled the "(" and the digit out of place."""
    claim = ClaimFactory(awaiting_choice=True)
    _login(client, claim)
    client.cookies["django_language"] = "en"
    name = claim.insurance_insurer_name
    assert name
    choose = client.get(reverse("accidents:choose", kwargs={"reference": claim.reference})).content.decode()
    assert f"<bdi>{name}</bdi>" in choose
    assert f"<bdi>{name}</bdi>" in _detail(client, claim).content.decode()


def test_choosing_personally_shows_the_e_payment_number(client):
    claim = ClaimFactory(awaiting_choice=True)
    _login(client, claim)
    response = client.post(
        reverse("accidents:choose", kwargs={"reference": claim.reference}), {"method": "personal"}, follow=True
    )
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_PAYMENT and claim.payment_method == PaymentMethod.PERSONAL
    assert claim.bill.billing_number in response.content.decode()


def test_choosing_the_insurer_leads_to_the_letter_upload(client):
    claim = ClaimFactory(awaiting_choice=True)
    _login(client, claim)
    response = client.post(reverse("accidents:choose", kwargs={"reference": claim.reference}), {"method": "insurer"})
    assert response["Location"] == reverse("accidents:letter", kwargs={"reference": claim.reference})
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_LETTER


def test_choosing_a_second_time_is_refused_with_a_message_and_changes_nothing(client):
    claim = ClaimFactory(awaiting_letter=True)
    _login(client, claim)
    events = ApplicationEvent.objects.filter(application_id=claim.pk).count()
    response = client.post(
        reverse("accidents:choose", kwargs={"reference": claim.reference}), {"method": "personal"}, follow=True
    )
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_LETTER and claim.bill is None
    assert ApplicationEvent.objects.filter(application_id=claim.pk).count() == events
    assert "لقد اخترت طريقة الدفع لهذا الطلب من قبل" in response.content.decode()


def test_an_unknown_choice_is_refused(client):
    claim = ClaimFactory(awaiting_choice=True)
    _login(client, claim)
    response = client.post(
        reverse("accidents:choose", kwargs={"reference": claim.reference}), {"method": "cash"}, follow=True
    )
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_CHOICE and claim.payment_method == ""
    assert "اختر طريقة الدفع" in response.content.decode()


def test_the_choice_page_of_a_claim_not_waiting_for_a_choice_sends_back_to_the_claim(client):
    claim = ClaimFactory()
    _login(client, claim)
    response = client.get(reverse("accidents:choose", kwargs={"reference": claim.reference}))
    assert response.status_code == 302


# --- step 9: the insurer's letter ------------------------------------------------------------------------


def test_uploading_the_letter_sends_it_to_staff(client):
    claim = ClaimFactory(awaiting_letter=True)
    _login(client, claim)
    url = reverse("accidents:letter", kwargs={"reference": claim.reference})
    assert client.get(url).status_code == 200
    response = client.post(url, {"letter": letter_pdf()}, follow=True)
    claim.refresh_from_db()
    assert claim.status == S.LETTER_REVIEW and claim.letter is not None
    assert claim.letter.get_absolute_url() in response.content.decode()


def test_a_letter_that_is_not_a_pdf_or_image_is_refused_on_the_page(client):
    claim = ClaimFactory(awaiting_letter=True)
    _login(client, claim)
    response = client.post(
        reverse("accidents:letter", kwargs={"reference": claim.reference}), {"letter": text_as_pdf()}
    )
    assert response.status_code == 400 and "letter" in response.context["form"].errors
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_LETTER and claim.letter is None


@pytest.mark.parametrize("state", ["submitted", "awaiting_choice", "paying_personally", "letter_review"])
def test_uploading_a_letter_when_none_is_asked_for_is_refused_on_the_page(client, state):
    claim = ClaimFactory(state=state)
    _login(client, claim)
    uploads = Upload.objects.count()
    url = reverse("accidents:letter", kwargs={"reference": claim.reference})
    response = client.post(url, {"letter": letter_pdf()}, follow=True)
    assert "لا يُطلب كتاب من شركة التأمين" in response.content.decode()
    assert Upload.objects.count() == uploads
    assert AccidentClaim.objects.get(pk=claim.pk).status == claim.status


# --- steps 8 and 11: pay, print the receipt, download the certificate ----------------------------------------


def test_pay_leads_to_the_bill_and_after_payment_the_receipt_and_certificate(
    client, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(paying_personally=True)
    _login(client, claim)
    response = client.get(reverse("accidents:pay", kwargs={"reference": claim.reference}))
    assert response["Location"] == claim.bill.get_absolute_url()
    receipt_url = reverse("payments:bill-receipt", kwargs={"billing_number": claim.bill.billing_number})
    assert receipt_url not in _detail(client, claim).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(claim.bill)
    claim.refresh_from_db()
    assert claim.status == S.RELEASED
    page = _detail(client, claim).content.decode()
    assert receipt_url in page and "وصل" in page
    certificate_url = reverse("services:document-download", kwargs={"code": claim.certificate.code})
    assert certificate_url in page

    receipt = client.get(receipt_url)
    assert receipt.status_code == 302
    assert client.get(receipt["Location"])["Content-Type"] == "application/pdf"
    pdf = client.get(certificate_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_release_certificate_is_verifiable_by_anyone(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim = ClaimFactory(released_by_letter=True)
    claim.refresh_from_db()
    document = claim.certificate
    assert document.kind == "accident_release" and document.application_id == claim.pk
    page = client.get(reverse("services:verify", kwargs={"code": document.code})).content.decode()
    assert claim.reference in page and claim.plate in page


def test_pay_without_a_bill_sends_back_to_the_claim(client):
    claim = ClaimFactory(awaiting_letter=True)
    _login(client, claim)
    response = client.get(reverse("accidents:pay", kwargs={"reference": claim.reference}))
    assert response.status_code == 302 and claim.reference in response["Location"]


# --- owners only: someone else gets 404 on every URL of a claim ----------------------------------------------


def _claim_urls(claim) -> list[tuple[str, str]]:
    ref = {"reference": claim.reference}
    urls = [
        ("get", reverse("services:application-detail", kwargs=ref)),
        ("get", reverse("accidents:choose", kwargs=ref)),
        ("post", reverse("accidents:choose", kwargs=ref)),
        ("get", reverse("accidents:letter", kwargs=ref)),
        ("post", reverse("accidents:letter", kwargs=ref)),
        ("get", reverse("accidents:pay", kwargs=ref)),
        ("get", claim.sketch.get_absolute_url()),
    ]
    if claim.letter_id:
        urls.append(("get", claim.letter.get_absolute_url()))
    if claim.bill_id:
        number = {"billing_number": claim.bill.billing_number}
        urls.append(("get", reverse("payments:bill-detail", kwargs=number)))
        if claim.bill.status == "paid":
            urls.append(("get", reverse("payments:bill-receipt", kwargs=number)))
    if claim.certificate_id:
        urls.append(("get", reverse("services:document-download", kwargs={"code": claim.certificate.code})))
    return urls


@pytest.fixture
def claims_in_every_state(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claims = {
            "awaiting_choice": ClaimFactory(awaiting_choice=True),
            "awaiting_letter": ClaimFactory(awaiting_letter=True),
            "letter_review": ClaimFactory(letter_review=True),
            "released_by_letter": ClaimFactory(released_by_letter=True),
            "paying_personally": ClaimFactory(paying_personally=True),
        }
        paid = ClaimFactory(paying_personally=True)
        pay_bill(paid.bill)
    paid.refresh_from_db()
    claims["paid"] = paid
    for claim in claims.values():
        claim.refresh_from_db()
    return claims


def test_another_person_gets_404_on_every_url_of_a_claim_and_changes_nothing(client, other_user, claims_in_every_state):
    client.force_login(other_user)
    before = {c.pk: (c.status, c.payment_method, c.letter_id) for c in AccidentClaim.objects.all()}
    uploads = Upload.objects.count()
    checked = 0
    for claim in claims_in_every_state.values():
        for method, url in _claim_urls(claim):
            data = {"method": "personal", "letter": letter_pdf()} if method == "post" else None
            response = getattr(client, method)(url, data) if data else client.get(url)
            assert response.status_code == 404, (claim.status, method, url, response.status_code)
            checked += 1
    assert checked >= 45
    assert {c.pk: (c.status, c.payment_method, c.letter_id) for c in AccidentClaim.objects.all()} == before
    assert Upload.objects.count() == uploads


def test_the_owner_reaches_the_same_urls(client, claims_in_every_state):
    for claim in claims_in_every_state.values():
        client.force_login(claim.applicant)
        for method, url in _claim_urls(claim):
            if method == "get":
                assert client.get(url).status_code in (200, 302), url


def test_an_organisations_claim_is_hidden_from_a_member_acting_for_themselves_and_from_other_companies(client):
    membership = MembershipFactory()
    policy = InsurancePolicyFactory()
    del policy
    claim = ClaimFactory(applicant=membership.user, organisation=membership.organisation, awaiting_choice=True)
    detail = reverse("services:application-detail", kwargs={"reference": claim.reference})
    choose = reverse("accidents:choose", kwargs={"reference": claim.reference})

    # Acting for the company: it is theirs.
    _login(client, claim)
    assert client.get(detail).status_code == 200
    # Acting for themselves: the company's claim is not on this page.
    session = client.session
    session.pop(SESSION_KEY)
    session.save()
    assert client.get(choose).status_code == 404
    # A member of another company: 404 everywhere, even the sketch.
    other = MembershipFactory()
    client.force_login(other.user)
    session = client.session
    session[SESSION_KEY] = other.organisation_id
    session.save()
    for _method, url in _claim_urls(claim):
        assert client.get(url).status_code == 404, url
    # Another member of the same company may act on it.
    colleague = MembershipFactory(organisation=membership.organisation)
    client.force_login(colleague.user)
    session = client.session
    session[SESSION_KEY] = membership.organisation_id
    session.save()
    client.post(choose, {"method": "personal"})
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_PAYMENT


def test_the_release_certificate_is_one_arabic_page_with_the_facts_and_the_breakdown(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = ClaimFactory(paying_personally=True)
        pay_bill(claim.bill)
    claim.refresh_from_db()
    document = claim.certificate
    with document.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    # One page: the QR code and the verification code stay with what they verify.
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for fact in (claim.reference, claim.registration_number, claim.bill.billing_number, "400.000", "350.000"):
        assert fact in text
    assert document.display_code in text
    assert dict(document.summary)["رقم الطلب"] == claim.reference


def test_a_vehicle_not_in_the_register_is_refused_and_the_form_keeps_what_was_typed(client, user):
    """Issue 18, item 1, on the website: a clear message, everything typed kept."""
    _login(client, user)
    response = client.post(
        reverse("accidents:start"), _form(plate_code="99", plate_number="12345", registration_number="1234567")
    )
    assert response.status_code == 400 and not AccidentClaim.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == ["registration_number"] and "سجل" in errors["registration_number"][0]
    page = response.content.decode()
    assert 'value="12345"' in page and 'value="1234567"' in page and 'value="PR-2026-551"' in page
