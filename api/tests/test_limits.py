"""Lockouts and inquiry limits through the app API: keyed as on the website (issue 17, findings 3 and 5)."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext

from accounts.tests.factories import UserFactory
from api.tests.test_api import PASSWORD, VEHICLE, post, sign_in
from violations.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token"


def _token(client, user, password=PASSWORD):
    return post(client, TOKEN, {"identifier": user.national_id, "password": password, "device": "phone"})


def test_finding_3_one_address_cannot_lock_other_accounts_through_the_api():
    attacked, other = UserFactory(), UserFactory()
    client = Client(REMOTE_ADDR="10.3.3.3")
    codes = [_token(client, attacked, "wrong").json()["code"] for _ in range(5)]
    assert codes == ["bad_credentials"] * 4 + ["locked_out"]
    # The wait is counted from the lockout setting (0.25 h), the noun in the form 15 takes.
    assert _token(client, attacked).json()["message"] == "محاولات دخول فاشلة كثيرة. انتظر 15 دقيقة ثم حاول مجددًا."
    response = _token(client, other)
    assert response.status_code == 200 and "token" in response.json()
    # The account attacked is locked from that address, right password or not...
    assert _token(client, attacked).json()["code"] == "locked_out"
    # ...and its owner, elsewhere, still signs in.
    assert _token(Client(REMOTE_ADDR="10.4.4.4"), attacked).status_code == 200


def test_the_website_and_the_api_share_one_lockout(client):
    user = UserFactory()
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.national_id, "password": "wrong"}, REMOTE_ADDR="10.5.5.5")
    api = Client(REMOTE_ADDR="10.5.5.5")
    assert [_token(api, user, "wrong").json()["code"] for _ in range(2)] == ["bad_credentials", "locked_out"]


def test_finding_5_a_strangers_wrong_guesses_do_not_block_the_owners_inquiry_through_the_api():
    VehicleFactory(plate_code="10", plate_number="79210", registration_number="4412345")
    stranger = sign_in(UserFactory())
    answers = [
        post(stranger, "/api/v1/violations/vehicle", {**VEHICLE, "registration_number": f"99{i:02d}"}).status_code
        for i in range(12)
    ]
    assert answers == [404] * 10 + [429] * 2
    owner = sign_in(UserFactory())
    response = post(owner, "/api/v1/violations/vehicle", VEHICLE)
    assert response.status_code == 200, response.content


def test_an_identifier_with_a_nul_byte_is_refused_as_bad_input_not_a_server_error(client):
    """Found by schemathesis on PostgreSQL (text cannot hold NUL): the lockout lookup crashed with a 500."""
    response = client.post(
        "/api/v1/auth/token",
        {"identifier": "99910\x0000001", "password": "x", "device": "fuzz"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_the_lockout_wait_has_a_form_for_every_arabic_count():
    one = "Too many failed sign-in attempts. Wait %(n)s minute and try again."
    many = "Too many failed sign-in attempts. Wait %(n)s minutes and try again."
    with translation.override("ar"):
        waits = [ngettext(one, many, n) % {"n": n} for n in (0, 1, 2, 3, 11, 100)]
    assert [w.split("انتظر ")[1].split(" ثم")[0] for w in waits] == [
        "0 دقيقة",
        "دقيقة واحدة",
        "دقيقتين",
        "3 دقائق",
        "11 دقيقة",
        "100 دقيقة",
    ]
