import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"


def _login(client, login: str, password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("typed", ["9861012345", "٩٨٦١٠١٢٣٤٥", " 986 101 2345"])
def test_sign_in_with_national_number(client, typed):
    user = UserFactory(national_id="9861012345")
    response = _login(client, typed)
    assert response.status_code == 302
    assert _signed_in_as(client) == str(user.pk)


@pytest.mark.parametrize("typed", ["0791234567", "+962791234567", "00962791234567", "٠٧٩١٢٣٤٥٦٧"])
def test_sign_in_with_mobile_number_however_written(client, typed):
    user = UserFactory(mobile="+962791234567")
    _login(client, typed)
    assert _signed_in_as(client) == str(user.pk)


def test_non_jordanian_signs_in_with_personal_number(client):
    user = ResidentFactory(personal_number="EG1234567")
    _login(client, "eg1234567")
    assert _signed_in_as(client) == str(user.pk)


def test_wrong_password_and_unknown_number_get_the_same_message(client):
    UserFactory(national_id="9861012345")
    wrong_password = _login(client, "9861012345", "not-the-password")
    unknown = _login(client, "9861099999")
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert _signed_in_as(client) is None
    errors = [r.context["form"].non_field_errors() for r in (wrong_password, unknown)]
    assert errors[0] == errors[1] and len(errors[0]) == 1
    assert "9861012345" not in errors[0][0]
    # The form keeps what was typed.
    assert 'value="9861012345"' in wrong_password.content.decode()


def test_inactive_account_cannot_sign_in(client):
    UserFactory(national_id="9861012345", is_active=False)
    _login(client, "9861012345")
    assert _signed_in_as(client) is None


def test_sign_in_gives_a_new_session_key(client):
    UserFactory(national_id="9861012345")
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    client.cookies["sessionid"] = before
    _login(client, "9861012345")
    assert _signed_in_as(client) is not None
    assert client.session.session_key != before


def test_five_failures_lock_the_account_whichever_number_is_typed(client):
    user = UserFactory(national_id="9861012345", mobile="+962791234567")
    for typed in ("9861012345", "0791234567", "+962791234567", "9861012345", "00962791234567"):
        _login(client, typed, "wrong-password", REMOTE_ADDR="10.0.0.1")
    assert AccessAttempt.objects.filter(username=user.username).exists()
    # Right password, same address: locked, however the number was typed.
    response = _login(client, "9861012345", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert _signed_in_as(client) is None


def test_failures_spread_over_addresses_lock_the_account_everywhere(client, settings):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 8
    user = UserFactory(national_id="9861012345", mobile="+962791234567")
    for n in range(8):
        _login(client, ("9861012345", "0791234567")[n % 2], "wrong-password", REMOTE_ADDR=f"10.0.0.{n}")
    assert AccessAttempt.objects.filter(username=user.username).count() == 8
    # Right password, fresh address: still locked because the account is.
    response = _login(client, "9861012345", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert _signed_in_as(client) is None


def test_five_failures_from_one_address_lock_the_account_for_that_address_only(client):
    UserFactory(national_id="9861012345")
    for _ in range(5):
        _login(client, "9861012345", "wrong", REMOTE_ADDR="10.1.1.1")
    assert _login(client, "9861012345", REMOTE_ADDR="10.1.1.1").status_code == 429
    assert _signed_in_as(client) is None
    # One attacker at one address cannot lock the owner out: from home the owner still signs in.
    assert _login(client, "9861012345", REMOTE_ADDR="10.2.2.2").status_code == 302


def test_the_owner_signing_in_elsewhere_does_not_give_an_attacker_fresh_tries(client):
    UserFactory(national_id="9861012345")
    for _ in range(4):
        _login(client, "9861012345", "wrong", REMOTE_ADDR="10.1.1.1")
    assert _login(Client(), "9861012345", REMOTE_ADDR="10.2.2.2").status_code == 302
    _login(client, "9861012345", "wrong", REMOTE_ADDR="10.1.1.1")
    assert _login(client, "9861012345", REMOTE_ADDR="10.1.1.1").status_code == 429


def test_finding_3_one_address_cannot_lock_other_accounts(client):
    UserFactory(national_id="9861012345")
    other = UserFactory(national_id="9861054321")
    for _ in range(5):
        _login(client, "9861012345", "wrong", REMOTE_ADDR="10.1.1.1")
    # Failures for many numbers from one address (one NAT, one mobile carrier) lock no one else either.
    for n in range(5):
        _login(client, f"98610999{n:02d}", "wrong", REMOTE_ADDR="10.1.1.1")
    response = _login(client, "9861054321", REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302
    assert _signed_in_as(client) == str(other.pk)
    # ...and the account attacked is locked.
    assert _login(Client(), "9861012345", REMOTE_ADDR="10.1.1.1").status_code == 429


def test_behind_the_tls_proxy_lockouts_count_the_client_address_not_the_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    UserFactory(national_id="9861012345")
    via_proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(5):
        _login(client, "9861012345", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert _login(Client(), "9861012345", HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy).status_code == 429
    # The owner, through the same proxy from another address, signs in.
    assert _login(Client(), "9861012345", HTTP_X_FORWARDED_FOR="198.51.100.9", **via_proxy).status_code == 302


def test_lockout_page_is_translated(client):
    UserFactory(national_id="9861012345")
    for _ in range(5):
        _login(client, "9861012345", "wrong")
    response = _login(client, "9861012345")
    assert response.status_code == 429
    assert "محاولات" in response.content.decode()


def test_staff_signs_in_to_the_admin_with_a_username(client):
    staff = UserFactory(staff=True, username="clerk", national_id="", mobile="")
    response = client.post(reverse("admin:login"), {"username": "clerk", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert _signed_in_as(client) == str(staff.pk)


def test_sign_in_applies_the_language_preference(client):
    UserFactory(national_id="9861012345", language="en")
    response = _login(client, "9861012345")
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    page = client.get(reverse("accounts:profile"))
    assert page.headers["Content-Language"] == "en"


def test_language_chosen_in_the_browser_wins_over_the_preference(client):
    UserFactory(national_id="9861012345", language="en")
    client.cookies["django_language"] = "ar"
    _login(client, "9861012345")
    assert client.get(reverse("accounts:profile")).headers["Content-Language"] == "ar"
