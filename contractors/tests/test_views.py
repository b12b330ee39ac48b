import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contractors.constants import RenewalStatus
from contractors.models import RenewalRequest
from contractors.tests.factories import ContractorFactory, PermitFactory, RenewalRequestFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
LOOKUP = reverse("contractors:lookup")
SUBMIT = reverse("contractors:submit")
TRACK = reverse("contractors:track")


def _lookup(client, contractor="55501", number="8841", year="2026", **extra):
    return client.post(LOOKUP, {"contractor_number": contractor, "permit_number": number, "permit_year": year}, **extra)


def _submit(client, solution, **overrides):
    data = {"period_year": "2027", "reason": "لم تنته الأعمال بعد", "phone": "0791234567", "altcha": solution}
    data.update(overrides)
    return client.post(SUBMIT, data)


# --- step 1: look-up --------------------------------------------------------------------------------


def test_a_matching_lookup_shows_the_contractor_name_as_json(client, frozen, permit):
    response = _lookup(client, **JSON)

    data = response.json()
    assert response.status_code == 200
    assert data["found"] and data["renewable"] and data["contractor_name"] == "شركة النشامى للمقاولات"
    assert data["permit"]["number"] == "8841" and data["years"] == [2027]


def test_lookup_accepts_arabic_indic_digits(client, frozen, permit):
    assert _lookup(client, contractor="٥٥٥٠١", number="٨٨٤١", year="٢٠٢٦", **JSON).json()["found"]


def test_a_matching_lookup_without_javascript_shows_the_name_and_the_request_form(client, frozen, permit):
    response = _lookup(client, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("contractors:renew")
    assert "شركة النشامى للمقاولات" in page
    assert 'id="step2" aria-labelledby="step2-title" hidden' not in page
    assert "<altcha-widget" in page and reverse("contractors:challenge") in page


@pytest.mark.parametrize(
    "values",
    [
        {"contractor": "99999"},  # no such contractor
        {"number": "1"},  # no such permit
        {"year": "2025"},  # right permit, wrong year
        {"contractor": "55502"},  # another contractor's number with this permit
    ],
    ids=["unknown-contractor", "unknown-permit", "wrong-year", "other-contractors-permit"],
)
def test_every_wrong_lookup_gets_the_same_answer(client, frozen, permit, values):
    ContractorFactory(number="55502")
    PermitFactory(number="1", contractor__number="55503")
    reference = _lookup(client, contractor="00000", number="0", year="2020", **JSON)

    response = _lookup(client, **values, **JSON)

    assert response.status_code == reference.status_code == 200
    assert (
        response.json()
        == reference.json()
        == {"found": False, "renewable": False, "message": reference.json()["message"]}
    )
    assert (
        "contractor" not in response.json()["message"].lower()
        or "contractor number, the permit" in response.json()["message"]
    )


def test_a_miss_does_the_same_database_work_whichever_field_is_wrong(client, frozen, permit):
    counts = []
    for values in ({"contractor": "99999"}, {"number": "77"}, {"year": "2024"}):
        with CaptureQueriesContext(connection) as queries:
            _lookup(client, **values, **JSON)
        counts.append([q["sql"].split(" WHERE ")[0] for q in queries.captured_queries if "contractors_" in q["sql"]])
    assert counts[0] == counts[1] == counts[2] and len(counts[0]) == 1


def test_a_wrong_lookup_without_javascript_keeps_what_was_typed(client, frozen, permit):
    response = _lookup(client, contractor="12345")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="12345"' in page and 'value="8841"' in page
    assert "No permit matches these details" in page or "لا يوجد تصريح" in page


def test_a_cancelled_permit_shows_the_name_and_says_it_cannot_be_renewed(client, frozen):
    PermitFactory(cancelled=True, number="500", contractor__number="600", contractor__name_ar="مقاول ملغى")

    data = _lookup(client, contractor="600", number="500", **JSON).json()

    assert data["found"] and not data["renewable"] and data["contractor_name"] == "مقاول ملغى"
    assert (
        set(data)
        == {
            "found",
            "renewable",
            "contractor_name",
            "contractor_number",
            "permit",
            "message",
            "years",
            "unavailable_years",
        }
        and data["message"]
    )


def test_a_permit_already_renewed_for_every_offered_year_cannot_be_asked_again(client, frozen, permit):
    RenewalRequestFactory(permit=permit, period_year=2027)

    data = _lookup(client, **JSON).json()

    # 2026 is covered by the permit itself, 2027 by the request under way.
    assert data["found"] and not data["renewable"] and data["unavailable_years"] == [2026, 2027]
    assert "2027" in data["message"]


def test_a_year_the_permit_still_covers_needs_no_warning(client, frozen, permit):
    data = _lookup(client, **JSON).json()

    assert data["renewable"] and data["years"] == [2027] and data["unavailable_years"] == [2026]
    assert data["message"] == ""


def test_a_year_taken_by_another_request_is_mentioned_while_the_next_is_offered(client, frozen):
    expired = PermitFactory(expired=True, number="77", contractor__number="700")  # ran out at the end of 2025
    RenewalRequestFactory(permit=expired, period_year=2026)

    data = _lookup(client, contractor="700", number="77", year="2025", **JSON).json()

    assert data["renewable"] and data["years"] == [2027] and "2026" in data["message"]


def test_format_errors_are_reported_on_their_fields(client, frozen):
    response = _lookup(client, contractor="abc", year="20", **JSON)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"contractor_number", "permit_year"}


def test_digit_like_characters_are_format_errors_not_a_server_error(client, frozen, permit):
    # "²" and "①" pass str.isdigit() but int() refuses them: the form must say so, not answer 500.
    response = _lookup(client, contractor="5550①", year="²⁰²⁶", **JSON)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"contractor_number", "permit_year"}


def test_lookups_are_rate_limited_per_ip(client, frozen, permit, settings):
    settings.CONTRACTORS_RATES = {"lookup": ("3/m",)}
    statuses = [_lookup(client, contractor=f"9{i}", **JSON).status_code for i in range(3)]
    assert statuses == [200, 200, 200]

    blocked = _lookup(client, **JSON)
    assert blocked.status_code == 429 and "error" in blocked.json()
    # Another address is not affected.
    assert _lookup(client, REMOTE_ADDR="10.1.2.3", **JSON).status_code == 200


def test_once_blocked_a_right_lookup_is_refused_like_a_wrong_one(client, frozen, permit, settings):
    settings.CONTRACTORS_RATES = {"lookup": ("2/m",)}
    for i in range(2):
        _lookup(client, contractor=f"9{i}", **JSON)

    right, wrong = _lookup(client, **JSON), _lookup(client, contractor="99999", **JSON)

    assert right.status_code == wrong.status_code == 429 and right.json() == wrong.json()
    assert "شركة النشامى" not in right.content.decode()


def test_a_blocked_lookup_without_javascript_gets_a_page_saying_so(client, frozen, permit, settings):
    settings.CONTRACTORS_RATES = {"lookup": ("1/m",)}
    _lookup(client, contractor="90")

    response = _lookup(client)

    assert response.status_code == 429 and "<html" in response.content.decode()


def test_lookup_needs_the_csrf_token(frozen, permit):
    strict = Client(enforce_csrf_checks=True)
    assert _lookup(strict, **JSON).status_code == 403


# --- step 2: request ----------------------------------------------------------------------------------


def test_submitting_with_a_solved_challenge_files_the_request_and_sends_an_sms(client, frozen, permit, pow_solution):
    _lookup(client)
    client.get(reverse("contractors:renew"))

    response = _submit(client, pow_solution(client))

    renewal = RenewalRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contractors:track-detail", kwargs={"reference": renewal.reference})
    assert renewal.phone == "+962791234567" and renewal.period_year == 2027 and renewal.submitted_anonymously
    assert Notification.objects.filter(application=renewal, mobile="+962791234567").count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert renewal.reference in detail


def test_submitting_is_rate_limited(client, frozen, permit, pow_solution, settings):
    settings.CONTRACTORS_RATES = {"submit": ("2/m",)}
    _lookup(client)
    for _ in range(2):
        assert _submit(client, "").status_code == 200

    response = _submit(client, pow_solution(client))

    assert response.status_code == 429 and not RenewalRequest.objects.exists()


def test_challenges_are_rate_limited(client, frozen, settings):
    settings.CONTRACTORS_RATES = {"challenge": ("2/m",)}
    url = reverse("contractors:challenge")
    responses = [client.get(url) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "error" in responses[-1].json()


def test_submitting_needs_a_lookup_first(client, frozen, permit, pow_solution):
    response = _submit(client, pow_solution(client))

    assert response.status_code == 302 and response["Location"] == reverse("contractors:renew")
    assert not RenewalRequest.objects.exists()


def test_a_bad_phone_number_is_explained(client, frozen, permit, pow_solution):
    _lookup(client)
    client.get(reverse("contractors:renew"))

    response = _submit(client, pow_solution(client), phone="0612345")

    assert response.status_code == 200 and not RenewalRequest.objects.exists()
    assert "0791234567" in response.content.decode()


def test_a_logged_in_person_sees_the_request_in_my_applications(client, frozen, permit, pow_solution, user):
    client.force_login(user)
    _lookup(client)
    client.get(reverse("contractors:renew"))

    _submit(client, pow_solution(client))

    renewal = RenewalRequest.objects.get()
    assert renewal.applicant == user and not renewal.submitted_anonymously
    page = client.get(reverse("services:my-applications")).content.decode()
    assert renewal.reference in page


def test_a_logged_in_persons_mobile_is_offered_before_the_look_up(client, frozen, user):
    client.force_login(user)

    page = client.get(reverse("contractors:renew")).content.decode()

    # Step 2 is hidden until renew.js shows it; it already carries the account's mobile.
    assert f'value="0{user.mobile[4:]}"' in page


# --- following a request ----------------------------------------------------------------------------


def test_a_request_is_followed_with_its_reference_and_phone(client, frozen, permit):
    renewal = RenewalRequestFactory(permit=permit, phone="+962771112233")

    response = client.post(TRACK, {"reference": renewal.reference.lower().replace("-", " "), "phone": "0771112233"})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert renewal.reference in page and str(RenewalStatus.SUBMITTED.label) in page or "بانتظار" in page


def test_a_wrong_phone_shows_nothing_of_the_request(client, frozen, permit):
    renewal = RenewalRequestFactory(permit=permit, phone="+962771112233")

    response = client.post(TRACK, {"reference": renewal.reference, "phone": "0771112234"})

    assert response.status_code == 200 and renewal.permit.contractor.name_ar not in response.content.decode()
    detail = client.get(reverse("contractors:track-detail", kwargs={"reference": renewal.reference}))
    assert detail.status_code == 404 and renewal.permit.contractor.name_ar not in detail.content.decode()
    assert f'value="{renewal.reference}"' in detail.content.decode()  # the form to prove it with the phone


def test_tracking_is_rate_limited(client, frozen, permit, settings):
    settings.CONTRACTORS_RATES = {"track": ("2/m",)}
    renewal = RenewalRequestFactory(permit=permit, phone="+962771112233")
    for _ in range(2):
        client.post(TRACK, {"reference": renewal.reference, "phone": "0790000000"})

    response = client.post(TRACK, {"reference": renewal.reference, "phone": "0771112233"})

    assert response.status_code == 429


def test_another_users_request_is_not_shown_to_a_logged_in_person(client, frozen, permit, user, other_user):
    renewal = RenewalRequestFactory(permit=permit, user=other_user)
    client.force_login(user)

    response = client.get(reverse("contractors:track-detail", kwargs={"reference": renewal.reference}))

    assert response.status_code == 404


def test_the_owner_sees_their_request_without_the_phone(client, frozen, permit, user):
    renewal = RenewalRequestFactory(permit=permit, user=user)
    client.force_login(user)

    assert client.get(reverse("contractors:track-detail", kwargs={"reference": renewal.reference})).status_code == 200
