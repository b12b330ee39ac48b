"""SMS code limits count the phone the code goes to, however its number was typed (issue 17, finding 9)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from accounts.tests.test_signup import _signup_data
from notifications.models import Notification

pytestmark = pytest.mark.django_db
PHONE = "+962790000003"


def _reset(client, identifier):
    return client.post(reverse("accounts:password-reset-sms"), {"identifier": identifier})


def test_finding_9_the_sms_limit_counts_the_phone_not_the_number_typed(client):
    UserFactory(national_id="9991000003", mobile=PHONE)
    for typed in ["9991000003"] * 5 + ["0790000003"] * 5 + ["+962790000003", "00962790000003", "٩٩٩١٠٠٠٠٠٣"]:
        _reset(client, typed)
    assert Notification.objects.filter(mobile=PHONE).count() == 5  # CODE_RATE_PER_MOBILE


def test_a_refused_reset_looks_the_same_whether_or_not_the_number_names_an_account(client):
    UserFactory(national_id="9991000003", mobile=PHONE)
    known = [_reset(client, "9991000003") for _ in range(6)]
    unknown = [_reset(client, "9991000004") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302] * 5 + [200]
    assert known[-1].context["form"].non_field_errors() == unknown[-1].context["form"].non_field_errors()


def test_resets_asked_for_a_number_with_no_account_do_not_spend_that_phones_codes(client):
    for _ in range(6):
        _reset(client, "0790000003")
    response = client.post(reverse("account_signup"), _signup_data(mobile="0790000003"))
    assert response.status_code == 302
    assert Notification.objects.filter(mobile=PHONE).count() == 1


def test_the_sign_up_code_counts_against_the_phone_like_every_code(client):
    client.post(reverse("account_signup"), _signup_data(mobile="0790000003"))
    for _ in range(5):
        client.post(reverse("accounts:verify-mobile"), {"action": "resend"})
    assert Notification.objects.filter(mobile=PHONE).count() == 5
