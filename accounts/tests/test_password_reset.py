from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import OneTimeCode
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import sms_code

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Jerash-columns-77"


def _request(client, identifier):
    return client.post(reverse("accounts:password-reset-sms"), {"identifier": identifier})


def _confirm(client, code, password=NEW_PASSWORD, password2=None, **extra):
    return client.post(
        reverse("accounts:password-reset-sms-confirm"),
        {"code": code, "password1": password, "password2": password2 or password},
        **extra,
    )


def test_password_is_reset_with_the_code_sent_by_sms(client):
    user = UserFactory(national_id="9861012345", mobile="+962791234567")
    response = _request(client, "9861012345")
    assert response.status_code == 302
    response = _confirm(client, sms_code("+962791234567"))
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    login = client.post(reverse("account_login"), {"login": "0791234567", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_unknown_number_looks_the_same_and_sends_nothing(client):
    response = _request(client, "9861099999")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-sms-confirm")
    assert not OneTimeCode.objects.exists()
    response = _confirm(client, "123456")
    assert response.status_code == 200 and response.context["form"].errors["code"]


def test_wrong_code_does_not_change_the_password(client):
    user = UserFactory(mobile="+962791234567")
    _request(client, "0791234567")
    code = sms_code("+962791234567")
    response = _confirm(client, f"{(int(code) + 1) % 1_000_000:06d}")
    assert response.status_code == 200 and response.context["form"].errors["code"]
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_expired_code_does_not_change_the_password(client):
    user = UserFactory(mobile="+962791234567")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _request(client, "0791234567")
        traveller.shift(timedelta(minutes=11))
        response = _confirm(client, sms_code("+962791234567"))
    assert "انتهت صلاحية" in response.context["form"].errors["code"][0]
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_weak_new_password_is_refused_and_the_code_is_not_spent(client):
    UserFactory(mobile="+962791234567")
    _request(client, "0791234567")
    code = sms_code("+962791234567")
    response = _confirm(client, code, password="12345678")
    assert response.context["form"].errors["password1"]
    assert _confirm(client, code).status_code == 302


def test_reset_lifts_a_lockout(client):
    user = UserFactory(mobile="+962791234567")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "0791234567", "password": "wrong"})
    _request(client, "0791234567")
    _confirm(client, sms_code("+962791234567"))
    response = client.post(reverse("account_login"), {"login": "0791234567", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_reset_codes_are_rate_limited_per_number(client):
    UserFactory(mobile="+962791234567")
    for _ in range(5):
        _request(client, "0791234567")
    response = _request(client, "+962791234567")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert OneTimeCode.objects.count() == 5


def test_password_can_also_be_reset_by_email(client):
    UserFactory(email="layla@example.jo")
    response = client.post(reverse("account_reset_password"), {"email": "layla@example.jo"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["layla@example.jo"]


def test_weak_point_email_reset_answers_the_same_whether_or_not_the_address_is_known(client):
    UserFactory(email="layla@example.jo")

    known = client.post(reverse("account_reset_password"), {"email": "layla@example.jo"}, follow=True)
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.jo"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    main = [r.content.decode().split('id="main"')[1].split("</main>")[0] for r in (known, unknown)]
    assert main[0] == main[1]
    assert "إن كان هناك حساب بهذا البريد الإلكتروني" in main[1]
    # The link goes to the account's address only; the unknown address gets no link to anything.
    assert [m.to for m in mail.outbox if "/password/reset/key/" in m.body] == [["layla@example.jo"]]
