"""The app API: sign-in with tokens, the same rules as the website, JSON errors, owners only."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from accounts.tests.factories import MembershipFactory, UserFactory
from api.models import ApiToken
from notifications.models import Notification
from payments.constants import BillStatus
from payments.models import Bill
from payments.testing import pay_bill
from violations.tests.factories import DrivingLicenceFactory, VehicleFactory, ViolationFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"


def sign_in(user, *, client=None, language="ar") -> Client:
    client = client or Client(REMOTE_ADDR="10.1.1.1", HTTP_ACCEPT_LANGUAGE=language)
    response = client.post(
        "/api/v1/auth/token",
        {"identifier": user.national_id, "password": PASSWORD, "device": "test phone"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Client(
        REMOTE_ADDR="10.1.1.1", HTTP_ACCEPT_LANGUAGE=language, HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}"
    )


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


@pytest.fixture
def vehicle(db):
    vehicle = VehicleFactory(plate_code="10", plate_number="79210", registration_number="4412345")
    ViolationFactory(vehicle=vehicle, amount=Decimal("15.000"))
    ViolationFactory(vehicle=vehicle, amount=Decimal("20.500"))
    ViolationFactory(vehicle=vehicle, not_payable=True, amount=Decimal("50.000"))
    return vehicle


VEHICLE = {"plate_code": "10", "plate_number": "79210", "registration_number": "4412345"}


def test_sign_in_by_mobile_number_gives_a_token_that_is_stored_only_as_a_hash(user):
    response = post(Client(), "/api/v1/auth/token", {"identifier": "0" + user.mobile[4:], "password": PASSWORD})
    assert response.status_code == 200
    raw = response.json()["token"]
    assert response.json()["me"]["id"] == user.pk
    stored = ApiToken.objects.get(user=user)
    assert raw not in (stored.key_hash, stored.prefix) and raw.startswith(stored.prefix)
    me = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert me.status_code == 200 and me.json()["mobile"] == user.mobile


def test_wrong_password_is_a_translated_json_error_and_repeated_failures_lock_the_account(user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    responses = [
        post(client, "/api/v1/auth/token", {"identifier": user.national_id, "password": "wrong"}) for _ in range(4)
    ]
    # The third failure reaches the limit: from then on the account is locked, as on the website.
    codes = [(r.status_code, r.json()["code"]) for r in responses]
    assert codes == [(401, "bad_credentials")] * 2 + [(429, "locked_out")] * 2
    assert responses[0].json()["message"] == "الرقم أو كلمة المرور غير صحيحة."
    # Locked even with the right password, as on the website.
    response = post(client, "/api/v1/auth/token", {"identifier": user.national_id, "password": PASSWORD})
    assert response.status_code == 429


def test_unverified_mobile_cannot_get_a_token():
    user = UserFactory(unverified=True)
    response = post(Client(), "/api/v1/auth/token", {"identifier": user.national_id, "password": PASSWORD})
    assert response.status_code == 403 and response.json()["code"] == "mobile_not_verified"
    assert not ApiToken.objects.exists()


def test_revoked_token_stops_working_at_once(user):
    client = sign_in(user)
    assert client.delete("/api/v1/auth/token").status_code == 204
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_no_token_or_a_made_up_token_is_401_json():
    assert Client().get("/api/v1/bills").json()["code"] == "not_authenticated"
    assert Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/v1/inbox").status_code == 401


def test_vehicle_statement_has_amounts_as_exact_strings_and_billing_numbers(user, vehicle):
    client = sign_in(user)
    response = post(client, "/api/v1/violations/vehicle", VEHICLE)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3 and data["total"] == "85.500"
    assert data["payable_count"] == 2 and data["payable_total"] == "35.500"
    assert data["billing_number_all"] and len(data["billing_number_all"]) == 13
    not_payable = [v for v in data["violations"] if not v["payable_now"]]
    assert len(not_payable) == 1 and not_payable[0]["billing_number"] is None and not_payable[0]["not_payable_reason"]
    # The same numbers again while the bills stay open.
    again = post(client, "/api/v1/violations/vehicle", VEHICLE).json()
    assert again["billing_number_all"] == data["billing_number_all"]


def test_wrong_registration_and_wrong_plate_get_the_same_answer(user, vehicle):
    client = sign_in(user, language="en")
    wrong_registration = post(client, "/api/v1/violations/vehicle", {**VEHICLE, "registration_number": "999"})
    wrong_plate = post(client, "/api/v1/violations/vehicle", {**VEHICLE, "plate_number": "11111"})
    assert wrong_registration.status_code == wrong_plate.status_code == 404
    assert wrong_registration.json() == wrong_plate.json()
    assert wrong_registration.json()["code"] == "no_match"


def test_bad_input_names_the_field_in_the_language_asked(user):
    client = sign_in(user, language="ar")
    response = post(client, "/api/v1/violations/vehicle", {**VEHICLE, "plate_code": "abc"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"] == "بعض البيانات غير صحيحة."
    assert list(body["fields"]) == ["plate_code"]
    missing = post(client, "/api/v1/violations/vehicle", {"plate_code": "10", "plate_number": "1"}).json()
    assert missing["fields"] == {"registration_number": ["هذه القيمة ناقصة أو غير صحيحة."]}


def test_malformed_json_is_422_not_500(user):
    client = sign_in(user)
    response = client.post("/api/v1/violations/vehicle", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "code" in response.json()


def test_eight_digit_licence_needs_no_centre_but_older_numbers_do(user):
    licence = DrivingLicenceFactory(number="10123456")
    ViolationFactory(on_licence=True, licence=licence)
    client = sign_in(user, language="en")
    assert post(client, "/api/v1/violations/licence", {"licence_number": "10123456"}).json()["count"] == 1
    old = post(client, "/api/v1/violations/licence", {"licence_number": "123456"})
    assert old.status_code == 422 and {"centre", "category"} <= set(old.json()["fields"])


def test_inquiries_are_rate_limited_like_the_website(user, vehicle, settings):
    settings.VIOLATIONS_RATE_USER = "2/h"
    client = sign_in(user)
    statuses = [post(client, "/api/v1/violations/vehicle", VEHICLE).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert post(client, "/api/v1/violations/vehicle", VEHICLE).json()["code"] == "rate_limited"


def test_statement_pdf_is_a_verifiable_document(user, vehicle):
    client = sign_in(user)
    response = post(client, "/api/v1/violations/vehicle/statement.pdf", VEHICLE)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    code = response["X-Document-Code"]
    check = Client().get(f"/api/v1/documents/{code}")
    assert check.status_code == 200 and check.json()["state"] == "genuine"
    assert client.get(f"/api/v1/documents/{code}/pdf").status_code == 200


def test_paid_bill_shows_paid_with_a_receipt(user, vehicle):
    client = sign_in(user)
    number = post(client, "/api/v1/violations/vehicle", VEHICLE).json()["billing_number_all"]
    bill = Bill.objects.get(billing_number=number)
    listed = client.get("/api/v1/bills").json()
    assert number in [b["billing_number"] for b in listed]
    assert client.get(f"/api/v1/bills/{number}/receipt.pdf").status_code == 404  # not paid yet
    pay_bill(bill)
    data = client.get(f"/api/v1/bills/{number}").json()
    assert data["status"] == BillStatus.PAID and data["amount"] == "35.500" and data["receipt_url"]
    receipt = client.get(data["receipt_url"])
    assert receipt.status_code == 200 and b"".join(receipt.streaming_content).startswith(b"%PDF")


def test_another_user_gets_404_for_every_object_of_the_first(user, other_user, vehicle):
    client = sign_in(user)
    number = post(client, "/api/v1/violations/vehicle", VEHICLE).json()["billing_number_all"]
    pay_bill(Bill.objects.get(billing_number=number))
    pdf = post(client, "/api/v1/violations/vehicle/statement.pdf", VEHICLE)
    code = pdf["X-Document-Code"]
    other = sign_in(other_user)
    for path in (f"/api/v1/bills/{number}", f"/api/v1/bills/{number}/receipt.pdf", f"/api/v1/documents/{code}/pdf"):
        response = other.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert other.get("/api/v1/bills").json() == []


def test_acting_for_an_organisation_needs_membership_and_ends_when_it_is_removed(user, other_user):
    membership = MembershipFactory(user=user)
    client = sign_in(user)
    assert (
        client.put(
            "/api/v1/me/party", {"organisation_id": membership.organisation_id}, content_type="application/json"
        ).json()["acting_for"]
        == membership.organisation_id
    )
    outsider = sign_in(other_user)
    response = outsider.put(
        "/api/v1/me/party", {"organisation_id": membership.organisation_id}, content_type="application/json"
    )
    assert response.status_code == 404
    membership.delete()
    assert client.get("/api/v1/me").json()["acting_for"] is None


def test_inbox_lists_only_my_messages(user, other_user):
    from notifications.outbox import notify

    notify(text="رسالة تجريبية", recipient=user, dedupe_key="api-test-1")
    notify(text="رسالة لغيري", recipient=other_user, dedupe_key="api-test-2")
    data = sign_in(user).get("/api/v1/inbox").json()
    assert [n["text"] for n in data] == ["رسالة تجريبية"]
    assert Notification.objects.count() == 2


def test_unknown_and_malformed_document_codes(db):
    assert Client().get("/api/v1/documents/ABCD").json()["code"] == "malformed_code"


def test_schema_is_openapi_3_and_names_every_endpoint():
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {"/api/v1/auth/token", "/api/v1/violations/vehicle", "/api/v1/bills/{billing_number}"} <= paths
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()
