"""Issue 17, weaker points: passwords an attacker of this portal guesses first are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.passwords import PortalWordsValidator
from accounts.tests.factories import UserFactory
from accounts.tests.test_signup import _errors, _signup_data

pytestmark = pytest.mark.django_db


def test_weak_point_amman2025_is_refused_as_a_password(client):
    response = client.post(reverse("account_signup"), _signup_data(password1="Amman2025", password2="Amman2025"))

    assert response.status_code == 200
    assert any("اسم المدينة" in error for error in _errors(response, "password1"))
    with pytest.raises(ValidationError):
        validate_password("Amman2025", user=UserFactory())


@pytest.mark.parametrize(
    "password", ["Amman2025", "amman@2025!", "Jordan#1999", "GAMportal1", "عمان2025", "ammanjordan"]
)
def test_the_city_and_portal_words_with_digits_and_symbols_are_refused(password):
    with pytest.raises(ValidationError) as caught:
        PortalWordsValidator().validate(password)
    assert caught.value.code == "password_portal_words"


@pytest.mark.parametrize("password", ["Amman-Demo-2025", "Zarqa-river-2024", "olive trees of Ajloun 7"])
def test_a_password_with_words_of_ones_own_passes_the_portal_rule(password):
    PortalWordsValidator().validate(password)


def test_signup_refuses_a_password_like_the_national_number_or_the_name(client):
    like_number = client.post(
        reverse("account_signup"), _signup_data(password1="9861012345ab", password2="9861012345ab")
    )
    like_name = client.post(
        reverse("account_signup"), _signup_data(password1="LaylaSamirAlKhatib", password2="LaylaSamirAlKhatib")
    )

    assert _errors(like_number, "password1") and _errors(like_name, "password1")
    assert "الرقم الوطني" in " ".join(_errors(like_number, "password1"))


def test_a_new_password_like_the_accounts_number_is_refused_on_reset():
    user = UserFactory(national_id="9861012345")
    with pytest.raises(ValidationError):
        validate_password("9861012345ab", user=user)
