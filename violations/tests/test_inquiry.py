import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from violations.constants import SESSION_SUBJECT, InquiryKind
from violations.models import InquiryLog
from violations.tests.answers import STATEMENT as ANSWERED_STATEMENT
from violations.tests.answers import answer
from violations.tests.factories import DrivingLicenceFactory, VehicleFactory, ViolationFactory

pytestmark = pytest.mark.django_db

INQUIRY = reverse("violations:inquiry")
BY_VEHICLE = reverse("violations:inquiry-vehicle")
BY_LICENCE = reverse("violations:inquiry-licence")
STATEMENT = reverse("violations:statement")


@pytest.fixture
def vehicle():
    vehicle = VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")
    ViolationFactory(vehicle=vehicle, number="26000001")
    return vehicle


def _vehicle_form(plate_code="10", plate_number="79210", registration_number="7702154"):
    return {"plate_code": plate_code, "plate_number": plate_number, "registration_number": registration_number}


def test_inquiry_needs_login():
    response = Client().get(INQUIRY)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(BY_VEHICLE, _vehicle_form()).status_code == 302


def test_inquiries_are_post_only(logged_in):
    assert logged_in.get(BY_VEHICLE).status_code == 405
    assert logged_in.get(BY_LICENCE).status_code == 405


def test_matching_plate_and_registration_are_answered_with_the_statement(logged_in, vehicle):
    response = logged_in.post(BY_VEHICLE, _vehicle_form())
    assert answer(response) == ANSWERED_STATEMENT and "26000001" in response.content.decode()
    # The answer gives the address bar the statement's own address (statement.js), which shows it again.
    assert f'data-address="{STATEMENT}"' in response.content.decode()
    page = logged_in.get(STATEMENT)
    assert page.status_code == 200 and "26000001" in page.content.decode()
    assert "data-address" not in page.content.decode()


def test_arabic_indic_digits_and_leading_zeros_are_understood(logged_in, vehicle):
    response = logged_in.post(BY_VEHICLE, _vehicle_form("١٠", "079210", "٧٧٠٢١٥٤"))
    assert answer(response) == ANSWERED_STATEMENT


def test_digit_like_characters_in_a_plate_are_a_form_error_not_a_server_error(logged_in, vehicle):
    response = logged_in.post(BY_VEHICLE, _vehicle_form("¹⁰", "7921²", "7702154"))

    assert response.status_code == 200
    assert set(response.context["vehicle_form"].errors) >= {"plate_code", "plate_number"}
    assert SESSION_SUBJECT not in logged_in.session


def test_a_wrong_registration_number_and_an_unknown_plate_get_the_same_answer(logged_in, vehicle):
    wrong_registration = logged_in.post(BY_VEHICLE, _vehicle_form(registration_number="7702155"))
    unknown_plate = logged_in.post(BY_VEHICLE, _vehicle_form(plate_number="79211", registration_number="7702155"))

    assert wrong_registration.status_code == unknown_plate.status_code == 200
    errors = [r.context["vehicle_form"].non_field_errors() for r in (wrong_registration, unknown_plate)]
    assert errors[0] == errors[1] and errors[0]
    for response in (wrong_registration, unknown_plate):
        assert "26000001" not in response.content.decode()
        assert SESSION_SUBJECT not in logged_in.session
    assert logged_in.get(STATEMENT)["Location"] == INQUIRY


def test_without_a_registration_number_nothing_is_shown(logged_in, vehicle):
    response = logged_in.post(BY_VEHICLE, _vehicle_form(registration_number=""))
    assert response.status_code == 200
    assert response.context["vehicle_form"].errors["registration_number"]
    assert not InquiryLog.objects.exists()


def test_inquiries_are_logged_with_the_plate_hashed(logged_in, user, vehicle):
    logged_in.post(BY_VEHICLE, _vehicle_form())
    logged_in.post(BY_VEHICLE, _vehicle_form(registration_number="1"))
    logs = list(InquiryLog.objects.order_by("pk"))
    assert [(log.user, log.kind, log.matched) for log in logs] == [
        (user, InquiryKind.VEHICLE, True),
        (user, InquiryKind.VEHICLE, False),
    ]
    assert logs[0].subject_hash == logs[1].subject_hash
    assert "79210" not in logs[0].subject_hash and len(logs[0].subject_hash) == 64
    assert logs[0].ip_address == "10.0.0.1"


# --- driving licence: the 8-digit rule (seed 001) ---------------------------------------------


def test_an_8_digit_licence_needs_neither_centre_nor_category(logged_in):
    licence = DrivingLicenceFactory(number="10118254", centre="عمان", category="3")
    ViolationFactory(on_licence=True, licence=licence, number="26000002")
    response = logged_in.post(BY_LICENCE, {"licence_number": "10118254", "centre": "", "category": ""})
    assert answer(response) == ANSWERED_STATEMENT and "26000002" in response.content.decode()
    assert "26000002" in logged_in.get(STATEMENT).content.decode()


def test_an_8_digit_licence_ignores_a_centre_and_category_chosen_anyway(logged_in):
    DrivingLicenceFactory(number="10118254", centre="عمان", category="3")
    DrivingLicenceFactory(number="551234", centre="إربد", category="4", key="551234|إربد|4")
    response = logged_in.post(BY_LICENCE, {"licence_number": "10118254", "centre": "إربد", "category": "4"})
    assert answer(response) == ANSWERED_STATEMENT


def test_a_shorter_licence_number_needs_centre_and_category(logged_in):
    DrivingLicenceFactory(old=True, number="551234", centre="إربد", category="4")
    DrivingLicenceFactory(old=True, centre="عمان", category="3")
    with translation.override("en"):
        missing = logged_in.post(BY_LICENCE, {"licence_number": "551234", "centre": "", "category": ""})
    form = missing.context["licence_form"]
    assert set(form.errors) == {"centre", "category"}
    assert form["licence_number"].value() == "551234"  # what was typed stays

    wrong = logged_in.post(BY_LICENCE, {"licence_number": "551234", "centre": "إربد", "category": "3"})
    assert wrong.status_code == 200 and wrong.context["licence_form"].non_field_errors()

    right = logged_in.post(BY_LICENCE, {"licence_number": "551234", "centre": "إربد", "category": "4"})
    assert answer(right) == ANSWERED_STATEMENT


def test_the_licence_form_says_8_digit_numbers_need_no_centre_and_hides_them_with_js(logged_in):
    DrivingLicenceFactory(old=True, centre="إربد", category="4")
    with translation.override("en"):
        logged_in.cookies["django_language"] = "en"
        page = logged_in.get(INQUIRY + "?by=licence")
    html = page.content.decode()
    assert 'id="licence-8-digit-note"' in html
    assert "data-licence-details" in html and 'data-national-length="8"' in html
    assert "violations/licence.js" in html
    assert "إربد" in html  # the centres come from the data


def test_look_up_another_starts_again(logged_in, vehicle):
    logged_in.post(BY_VEHICLE, _vehicle_form())
    response = logged_in.post(reverse("violations:restart"))
    assert response["Location"] == INQUIRY
    assert SESSION_SUBJECT not in logged_in.session
    assert logged_in.get(STATEMENT)["Location"] == INQUIRY
