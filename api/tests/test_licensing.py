"""The app's licence splitting: apply, dues with their e-payment number, slots and booking (a taken slot
is a clear 409), corrections, the fees bill, the new licence — and nobody else's requests."""

import pytest

from api.tests.test_api import post, sign_in
from licensing.models import SplitApplication
from licensing.tests.factories import advance, dues, make_world
from licensing.workflow import split_licence_document
from payments.testing import pay_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_world()


def split_fields(world, **overrides) -> dict:
    fields = {
        "licence_number": world.licence.number,
        "deed_reference": "TD-1-100",
        "profession": world.plain.pk,
        "trade_name": "محل الجديد",
        "area_m2": "40.5",
    }
    fields.update(overrides)
    return fields


def test_licences_and_professions_to_choose_from(world):
    client = sign_in(world.user, language="en")
    licences = client.get("/api/v1/licensing/licences").json()
    assert [lic["number"] for lic in licences] == [world.licence.number] and licences[0]["in_force"]
    professions = {p["name"]: p for p in client.get("/api/v1/licensing/professions").json()}
    assert professions["Restaurant"]["needs_construction_certificate"]
    assert professions["Restaurant"]["approvals"] == ["Ministry of Health"]
    assert professions["Grocery"]["fee"] == "45.000" and professions["Pharmacy"]["fee"] is None


def test_a_request_without_dues_is_accepted_and_waits_for_a_booking(world):
    response = post(sign_in(world.user), "/api/v1/licensing/splits", split_fields(world))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "awaiting_booking" and data["area_m2"] == "40.50"
    assert data["dues_bill"] is None and data["due_by"]
    assert SplitApplication.objects.get(reference=data["reference"]).applicant == world.user


def test_an_owner_with_dues_gets_their_amount_and_e_payment_number_first(world):
    dues(user=world.user, deed="TD-1-100")
    client = sign_in(world.user)
    data = post(client, "/api/v1/licensing/splits", split_fields(world)).json()
    assert data["status"] == "awaiting_dues" and data["dues_amount"] == "110.500"
    number = data["dues_bill"]["billing_number"]
    assert len(number) == 13 and len(data["dues_bill"]["lines"]) == 2
    bill = client.get(f"/api/v1/licensing/splits/{data['reference']}/bill").json()
    assert bill["billing_number"] == number and bill["amount"] == "110.500"
    pay_bill(SplitApplication.objects.get(reference=data["reference"]).dues_bill)
    assert client.get(f"/api/v1/licensing/splits/{data['reference']}").json()["status"] == "awaiting_booking"


def test_bad_requests_name_the_field(world):
    client = sign_in(world.user, language="en")
    too_big = post(client, "/api/v1/licensing/splits", split_fields(world, area_m2="500"))
    assert too_big.status_code == 422 and list(too_big.json()["fields"]) == ["area_m2"]
    no_certificate = post(client, "/api/v1/licensing/splits", split_fields(world, profession=world.restaurant.pk))
    assert list(no_certificate.json()["fields"]) == ["construction_certificate_reference"]
    not_mine = post(client, "/api/v1/licensing/splits", split_fields(world, licence_number="PL-NOPE"))
    assert not_mine.status_code == 422 and list(not_mine.json()["fields"]) == ["licence_number"]
    assert not SplitApplication.objects.exists()


def test_nothing_to_pay_before_approval_is_a_409(world):
    data = post(sign_in(world.user), "/api/v1/licensing/splits", split_fields(world)).json()
    response = sign_in(world.user).get(f"/api/v1/licensing/splits/{data['reference']}/bill")
    assert response.status_code == 409 and response.json()["code"] == "wrong_status"


def test_booking_a_free_slot_and_a_taken_slot_is_a_clear_409(world, staff_user):
    client = sign_in(world.user, language="en")
    reference = post(client, "/api/v1/licensing/splits", split_fields(world)).json()["reference"]
    slots = client.get("/api/v1/licensing/slots").json()
    assert [s["id"] for s in slots] == [s.pk for s in world.slots]
    response = post(client, f"/api/v1/licensing/splits/{reference}/booking", {"slot": world.slots[0].pk})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "inspection_booked" and data["inspections"][0]["state"] == "booked"
    assert world.slots[0].pk not in [s["id"] for s in client.get("/api/v1/licensing/slots").json()]
    # Booked once: a second booking is refused by status.
    again = post(client, f"/api/v1/licensing/splits/{reference}/booking", {"slot": world.slots[1].pk})
    assert again.status_code == 409 and again.json()["code"] == "wrong_status"
    # Somebody else tries the slot just taken.
    rival_world = make_world()
    rival = sign_in(rival_world.user, language="en")
    rival_ref = post(rival, "/api/v1/licensing/splits", split_fields(rival_world)).json()["reference"]
    taken = post(rival, f"/api/v1/licensing/splits/{rival_ref}/booking", {"slot": world.slots[0].pk})
    assert taken.status_code == 409
    assert taken.json()["code"] == "slot_taken"
    assert taken.json()["fields"] == {"slot": ["This appointment is no longer free: choose another."]}


def test_corrections_are_confirmed_then_a_new_booking_is_possible(world, staff_user):
    application = advance(world, staff_user, to="awaiting_corrections")
    client = sign_in(world.user)
    base = f"/api/v1/licensing/splits/{application.reference}"
    data = client.get(base).json()
    assert data["inspections"][0]["state"] == "not_compliant" and data["inspections"][0]["findings"]
    unticked = post(client, f"{base}/corrections", {"confirm": False})
    assert unticked.status_code == 422 and list(unticked.json()["fields"]) == ["confirm"]
    response = post(client, f"{base}/corrections", {"confirm": True, "note": "ركبنا طفاية حريق"})
    assert response.status_code == 200 and response.json()["status"] == "awaiting_booking"
    twice = post(client, f"{base}/corrections", {"confirm": True})
    assert twice.status_code == 409


def test_fees_bill_then_the_new_licence(world, staff_user):
    application = advance(world, staff_user, to="awaiting_payment")
    client = sign_in(world.user)
    base = f"/api/v1/licensing/splits/{application.reference}"
    bill = client.get(f"{base}/bill").json()
    assert (
        bill["amount"] == "45.000" and client.get(base).json()["fees_bill"]["billing_number"] == bill["billing_number"]
    )
    assert client.get(f"{base}/licence.pdf").status_code == 404
    pay_bill(SplitApplication.objects.get(pk=application.pk).fees_bill)
    split_licence_document(application_id=application.pk)  # the Celery task's work, run here
    data = client.get(base).json()
    assert data["status"] == "issued" and data["new_licence_number"] == f"{world.licence.number}-1"
    pdf = client.get(data["licence_url"])
    assert pdf.status_code == 200 and pdf["X-Document-Code"] == data["licence_document_code"]


def test_another_user_gets_404_for_every_request_url(world, staff_user, other_user):
    application = advance(world, staff_user, to="awaiting_payment")
    pay_bill(SplitApplication.objects.get(pk=application.pk).fees_bill)
    split_licence_document(application_id=application.pk)
    other = sign_in(other_user)
    base = f"/api/v1/licensing/splits/{application.reference}"
    for path in (base, f"{base}/bill", f"{base}/licence.pdf"):
        response = other.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert post(other, f"{base}/booking", {"slot": world.slots[1].pk}).status_code == 404
    assert post(other, f"{base}/corrections", {"confirm": True}).status_code == 404
    assert other.get("/api/v1/licensing/licences").json() == []


def test_another_user_cannot_book_for_someone_elses_open_request(world, other_user):
    reference = post(sign_in(world.user), "/api/v1/licensing/splits", split_fields(world)).json()["reference"]
    response = post(sign_in(other_user), f"/api/v1/licensing/splits/{reference}/booking", {"slot": world.slots[0].pk})
    assert response.status_code == 404
    assert SplitApplication.objects.get(reference=reference).status == "awaiting_booking"


def test_list_endpoints_cost_the_same_queries_however_long_the_list(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from licensing.tests.factories import licence, slot

    client = sign_in(world.user)

    def queries(path):
        client.get(path)  # the token's last-used write happens once a minute: not in the count
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    few = {path: queries(path) for path in ("/api/v1/licensing/slots", "/api/v1/licensing/licences")}
    for day in range(4, 10):
        slot(days=day)
        licence(holder=world.user)
    many = {path: queries(path) for path in few}
    assert many == few
