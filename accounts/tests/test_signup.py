import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import OneTimeCode, User
from accounts.tests.factories import ResidentFactory, UserFactory
from accounts.tests.helpers import last_sms, sms_code

pytestmark = pytest.mark.django_db

PASSWORD = "Zarqa-river-2024"


def _signup_data(**overrides) -> dict:
    data = {
        "full_name_ar": "ليلى سمير الخطيب",
        "full_name_en": "Layla Samir Al-Khatib",
        "citizenship": "jo",
        "national_id": "9861012345",
        "personal_number": "",
        "nationality": "",
        "mobile": "0791234567",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def _errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def test_jordanian_signs_up_and_is_sent_a_verification_code(client):
    response = client.post(reverse("account_signup"), _signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify-mobile")
    user = User.objects.get(national_id="9861012345")
    assert user.mobile == "+962791234567" and not user.mobile_verified
    assert user.full_name_ar == "ليلى سمير الخطيب" and user.language == "ar"
    assert user.check_password(PASSWORD)
    assert sms_code("+962791234567")
    assert last_sms("+962791234567").language == "ar"
    # Signed in straight away, on the verification page.
    assert int(client.session["_auth_user_id"]) == user.pk


def test_code_from_the_sms_verifies_the_mobile(client):
    client.post(reverse("account_signup"), _signup_data())
    response = client.post(reverse("accounts:verify-mobile"), {"code": sms_code("+962791234567")})
    assert response.status_code == 302
    assert User.objects.get(national_id="9861012345").mobile_verified


def test_wrong_code_is_refused_with_a_message_on_the_field(client):
    client.post(reverse("account_signup"), _signup_data())
    code = sms_code("+962791234567")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:verify-mobile"), {"code": wrong})
    assert response.status_code == 200
    assert "الرمز غير صحيح" in response.context["form"].errors["code"][0]
    assert not User.objects.get(national_id="9861012345").mobile_verified


def test_resend_sends_a_new_code_that_replaces_the_old(client):
    client.post(reverse("account_signup"), _signup_data())
    first = OneTimeCode.objects.get()
    client.post(reverse("accounts:verify-mobile"), {"action": "resend"})
    assert OneTimeCode.objects.filter(voided_at__isnull=True, used_at__isnull=True).exclude(pk=first.pk).count() == 1
    first.refresh_from_db()
    assert first.voided_at is not None


def test_non_jordanian_signs_up_with_personal_number_and_nationality(client):
    data = _signup_data(citizenship="other", national_id="", personal_number="eg 7654321", nationality="مصري")
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302
    user = User.objects.get(personal_number="EG7654321")
    assert user.national_id == "" and user.nationality == "مصري"


def test_non_jordanian_must_give_personal_number_and_nationality(client):
    data = _signup_data(citizenship="other", national_id="9861012345")
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert _errors(response, "personal_number") and _errors(response, "nationality")
    assert not User.objects.exists()


@pytest.mark.parametrize("national_id", ["12345", "0861012345", "98610123456"])
def test_invalid_national_number_is_explained_and_the_form_keeps_what_was_typed(client, national_id):
    with translation.override("ar"):
        response = client.post(reverse("account_signup"), _signup_data(national_id=national_id))
    assert response.status_code == 200
    assert "الرقم الوطني" in _errors(response, "national_id")[0]
    html = response.content.decode()
    assert f'value="{national_id}"' in html and 'value="ليلى سمير الخطيب"' in html and 'value="0791234567"' in html
    assert not User.objects.exists()


@pytest.mark.parametrize("mobile", ["0761234567", "+966501234567", "065001234"])
def test_non_jordanian_mobile_is_refused(client, mobile):
    response = client.post(reverse("account_signup"), _signup_data(mobile=mobile))
    assert response.status_code == 200
    assert _errors(response, "mobile")
    assert not User.objects.exists()


def test_national_number_already_used_is_refused(client):
    UserFactory(national_id="9861012345")
    response = client.post(reverse("account_signup"), _signup_data())
    assert response.status_code == 200
    assert "يوجد حساب" in _errors(response, "national_id")[0]
    assert User.objects.count() == 1


def test_national_number_used_as_someones_personal_number_is_refused(client):
    ResidentFactory(personal_number="9861012345")
    response = client.post(reverse("account_signup"), _signup_data())
    assert _errors(response, "national_id")


def test_mobile_already_used_is_refused_however_it_is_written(client):
    UserFactory(mobile="+962791234567")
    response = client.post(reverse("account_signup"), _signup_data(mobile="+962 79 123 4567"))
    assert response.status_code == 200
    assert _errors(response, "mobile")


def test_email_is_optional_but_unique(client):
    UserFactory(email="taken@example.jo")
    response = client.post(reverse("account_signup"), _signup_data(email="taken@example.jo"))
    assert _errors(response, "email")
    response = client.post(reverse("account_signup"), _signup_data(email="layla@example.jo"))
    assert response.status_code == 302
    assert User.objects.get(national_id="9861012345").email == "layla@example.jo"


def test_weak_or_mismatched_password_is_refused(client):
    response = client.post(reverse("account_signup"), _signup_data(password1="12345678", password2="12345678"))
    assert _errors(response, "password1")
    response = client.post(reverse("account_signup"), _signup_data(password2="Other-pass-2024"))
    assert _errors(response, "password2")


def test_english_signup_sets_english_messages(client):
    client.cookies["django_language"] = "en"
    client.post(reverse("account_signup"), _signup_data())
    user = User.objects.get(national_id="9861012345")
    assert user.language == "en"
    assert last_sms(user.mobile).text.startswith("Amman e-Services")


def test_signup_is_rate_limited_per_address(client, settings):
    from accounts import constants

    settings.RATELIMIT_ENABLE = True
    limit = int(constants.SIGNUP_RATE_PER_IP.split("/")[0])
    for _ in range(limit):
        client.post(reverse("account_signup"), _signup_data(national_id="12"))
    response = client.post(reverse("account_signup"), _signup_data())
    assert response.status_code == 200
    assert any("Too many" in e or "كثير" in e for e in response.context["form"].non_field_errors())
    assert not User.objects.exists()


def test_unverified_person_is_sent_to_verify_before_using_services(client):
    user = UserFactory(unverified=True)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify-mobile"))
    assert client.get(reverse("accounts:verify-mobile")).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_verified_person_uses_services_freely(client, user):
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("accounts:verify-mobile")).status_code == 302


def test_non_jordanian_errors_are_explained_in_arabic_and_the_form_keeps_what_was_typed(client):
    data = _signup_data(citizenship="other", national_id="", personal_number="#1", nationality="أردني")
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert "الرقم الشخصي" in _errors(response, "personal_number")[0]
    assert "الرقم الوطني" in _errors(response, "nationality")[0]
    assert 'value="#1"' in response.content.decode()
    assert not User.objects.exists()


def test_personal_number_already_used_is_refused(client):
    ResidentFactory(personal_number="EG7654321")
    data = _signup_data(citizenship="other", national_id="", personal_number="EG7654321", nationality="مصري")
    response = client.post(reverse("account_signup"), data)
    assert "يوجد حساب" in _errors(response, "personal_number")[0]
    assert User.objects.count() == 1


def test_expired_signup_code_is_refused_and_a_new_one_works(client):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    client.post(reverse("account_signup"), _signup_data())
    code = sms_code("+962791234567")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post(reverse("accounts:verify-mobile"), {"code": code})
        assert "انتهت صلاحية" in response.context["form"].errors["code"][0]
        client.post(reverse("accounts:verify-mobile"), {"action": "resend"})
        client.post(reverse("accounts:verify-mobile"), {"code": sms_code("+962791234567")})
    assert User.objects.get(national_id="9861012345").mobile_verified


def test_number_still_waiting_for_its_code_is_taken(client):
    from accounts.codes import code_send

    waiting = UserFactory(unverified=True, mobile="+962791234567")
    code_send(user=waiting, purpose=OneTimeCode.Purpose.VERIFY_MOBILE)
    response = client.post(reverse("account_signup"), _signup_data())
    assert _errors(response, "mobile")
    assert User.objects.count() == 1


def test_number_never_verified_is_released_to_the_person_who_proves_it(client):
    """A typo at someone else's sign-up must not keep a citizen's own number from them for ever."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from accounts.codes import code_send

    squatter = UserFactory(unverified=True, mobile="+962791234567", national_id="9861099999")
    code_send(user=squatter, purpose=OneTimeCode.Purpose.VERIFY_MOBILE)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post(reverse("account_signup"), _signup_data())
        assert response.status_code == 302
        client.post(reverse("accounts:verify-mobile"), {"code": sms_code("+962791234567")})
    owner = User.objects.get(national_id="9861012345")
    assert owner.mobile == "+962791234567" and owner.mobile_verified
    squatter.refresh_from_db()
    assert squatter.mobile == ""
    # The other account is asked for a number of its own.
    client.force_login(squatter)
    assert client.get(reverse("accounts:verify-mobile"))["Location"] == reverse("accounts:mobile-change")


def test_verified_number_is_never_released(client):
    from accounts.workflow import mobile_release_stale

    holder = UserFactory(mobile="+962791234567")
    assert mobile_release_stale(mobile="+962791234567") == 0
    holder.refresh_from_db()
    assert holder.mobile == "+962791234567"
