import pytest
from django.urls import reverse

from accounts.models import OneTimeCode
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import reauthenticate, sms_code

pytestmark = pytest.mark.django_db


def test_profile_changes_names_and_language(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name_ar": "رنا فادي حداد", "full_name_en": "Rana Fadi Haddad", "language": "en"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name_ar, user.full_name_en, user.language) == ("رنا فادي حداد", "Rana Fadi Haddad", "en")
    assert response.cookies["django_language"].value == "en"


def test_profile_refuses_a_name_without_arabic_letters_and_keeps_the_input(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"full_name_ar": "Rana", "full_name_en": "Rana Haddad", "language": "ar"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["full_name_ar"]
    assert 'value="Rana Haddad"' in response.content.decode()


def test_profile_does_not_change_identity_numbers(client, user):
    client.force_login(user)
    national_id = user.national_id
    client.post(
        reverse("accounts:profile"),
        {"full_name_ar": "رنا فادي حداد", "language": "ar", "national_id": "9000000000", "mobile": "0781111111"},
    )
    user.refresh_from_db()
    assert user.national_id == national_id and user.mobile != "+962781111111"


def test_new_mobile_replaces_the_old_only_after_its_code_comes_back(client, user):
    client.force_login(user)
    reauthenticate(client)  # issue 17: a change of number asks for the password again
    old_mobile = user.mobile
    response = client.post(reverse("accounts:mobile-change"), {"mobile": "0781234567"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.mobile == old_mobile
    response = client.post(reverse("accounts:mobile-change-confirm"), {"code": sms_code("+962781234567")})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.mobile == "+962781234567" and user.mobile_verified


def test_code_for_a_new_mobile_is_not_in_the_inbox(client, user):
    """Regression: the inbox showed the code, so anyone signed in could "prove" a number they do not hold."""
    client.force_login(user)
    reauthenticate(client)  # issue 17: a change of number asks for the password again
    client.post(reverse("accounts:mobile-change"), {"mobile": "0781234567"})
    code = sms_code("+962781234567")
    inbox = client.get(reverse("services:inbox")).content.decode()
    assert code not in inbox


def test_changing_the_language_in_the_profile_changes_the_portal_language(client, user):
    client.force_login(user)
    client.post(
        reverse("accounts:profile"),
        {"full_name_ar": "رنا فادي حداد", "full_name_en": "", "language": "en"},
    )
    assert client.get(reverse("accounts:profile")).headers["Content-Language"] == "en"
    client.post(
        reverse("accounts:profile"),
        {"full_name_ar": "رنا فادي حداد", "full_name_en": "", "language": "ar"},
    )
    assert client.get(reverse("accounts:profile")).headers["Content-Language"] == "ar"


def test_new_mobile_used_by_someone_else_is_refused(client, user):
    UserFactory(mobile="+962781234567")
    client.force_login(user)
    reauthenticate(client)  # issue 17: a change of number asks for the password again
    response = client.post(reverse("accounts:mobile-change"), {"mobile": "0781234567"})
    assert response.status_code == 200
    assert response.context["form"].errors["mobile"]
    assert not OneTimeCode.objects.exists()


def test_new_mobile_taken_while_waiting_for_the_code_is_refused(client, user):
    client.force_login(user)
    reauthenticate(client)  # issue 17: a change of number asks for the password again
    client.post(reverse("accounts:mobile-change"), {"mobile": "0781234567"})
    code = sms_code("+962781234567")
    UserFactory(mobile="+962781234567")
    response = client.post(reverse("accounts:mobile-change-confirm"), {"code": code})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    user.refresh_from_db()
    assert user.mobile != "+962781234567"


def test_unverified_person_can_correct_a_mistyped_mobile(client):
    user = UserFactory(unverified=True)
    client.force_login(user)
    reauthenticate(client)  # issue 17: a change of number asks for the password again
    client.post(reverse("accounts:mobile-change"), {"mobile": "0771234567"})
    client.post(reverse("accounts:mobile-change-confirm"), {"code": sms_code("+962771234567")})
    user.refresh_from_db()
    assert user.mobile == "+962771234567" and user.mobile_verified
    assert client.get(reverse("home")).status_code == 200


def test_password_change_needs_the_current_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "Petra-rose-2024", "password2": "Petra-rose-2024"},
    )
    assert response.status_code == 200
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "pass-Word-123", "password1": "Petra-rose-2024", "password2": "Petra-rose-2024"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Petra-rose-2024")


def test_profile_pages_need_sign_in(client):
    for name in ("accounts:profile", "accounts:mobile-change", "accounts:organisation-list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
