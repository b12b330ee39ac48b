"""Issue 18, item 7: the lockout page and the wrong-code message count in Arabic's six forms."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"


def _locked_out_page(settings, *, limit, cooloff, language="ar"):
    settings.AXES_FAILURE_LIMIT = limit
    settings.AXES_COOLOFF_TIME = cooloff
    UserFactory(national_id="9861012345")
    client = Client()
    if language == "en":
        client.cookies["django_language"] = "en"
    form = {"login": "9861012345", "password": "wrong"}
    for _ in range(limit):
        client.post(reverse("account_login"), form, HTTP_ACCEPT_LANGUAGE=language)
    response = client.post(reverse("account_login"), {**form, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    ("limit", "cooloff", "arabic"),
    [
        (5, 0.25, "لمدة 15 دقيقة بعد 5 محاولات فاشلة."),
        (2, timedelta(minutes=2), "لمدة دقيقتين بعد محاولتين فاشلتين."),
        (1, timedelta(minutes=1), "لمدة دقيقة واحدة بعد محاولة فاشلة واحدة."),
        (11, timedelta(minutes=100), "لمدة 100 دقيقة بعد 11 محاولة فاشلة."),
        (3, timedelta(minutes=3), "لمدة 3 دقائق بعد 3 محاولات فاشلة."),
    ],
)
def test_the_lockout_page_counts_minutes_and_tries_in_arabic(settings, limit, cooloff, arabic):
    assert f"تم إيقاف تسجيل الدخول مؤقتًا {arabic}" in _locked_out_page(settings, limit=limit, cooloff=cooloff)


def test_the_lockout_page_counts_in_english(settings):
    page = _locked_out_page(settings, limit=1, cooloff=timedelta(minutes=1), language="en")
    assert "Signing in is paused for 1 minute after 1 failed try." in page


def test_the_wrong_code_message_has_a_form_for_every_arabic_count():
    one = "The code is not correct. You have %(count)d try left."
    many = "The code is not correct. You have %(count)d tries left."
    with translation.override("ar"):
        texts = [ngettext(one, many, n) % {"count": n} for n in (0, 1, 2, 3, 11, 100)]
    assert texts == [
        "الرمز غير صحيح. لم تبقَ لك أي محاولة.",
        "الرمز غير صحيح. بقيت لك محاولة واحدة.",
        "الرمز غير صحيح. بقيت لك محاولتان.",
        "الرمز غير صحيح. بقيت لك 3 محاولات.",
        "الرمز غير صحيح. بقيت لك 11 محاولة.",
        "الرمز غير صحيح. بقيت لك 100 محاولة.",
    ]
