from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Notification
from notifications.outbox import notify
from services.tests.factories_applications import DemoApplicationFactory

pytestmark = pytest.mark.django_db

AMMAN = ZoneInfo("Asia/Amman")


def _message(user, text, key, **kwargs):
    return notify(text=text, recipient=user, dedupe_key=key, **kwargs)


def test_inbox_needs_a_signed_in_person(client):
    response = client.get(reverse("services:inbox"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_inbox_lists_only_my_messages_newest_first(client, user, other_user):
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=AMMAN), tick=False) as clock:
        _message(user, "First message", "t:1")
        clock.shift(timedelta(hours=1))
        _message(user, "Second message", "t:2")
        _message(other_user, "Someone else's secret", "t:3")
    client.force_login(user)
    response = client.get(reverse("services:inbox"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else's secret" not in body
    assert body.index("Second message") < body.index("First message")


def test_messages_are_marked_read_once_shown(client, user):
    notification = _message(user, "Your claim was valued", "t:read")
    client.force_login(user)
    first = client.get(reverse("services:inbox"))
    assert notification.pk in first.context["unread_ids"]
    notification.refresh_from_db()
    assert notification.read_at is not None
    second = client.get(reverse("services:inbox"))
    assert second.context["unread_ids"] == set()


def test_inbox_says_whether_the_sms_went_out(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _message(user, "Sent one", "t:sent")
    Notification.objects.create(
        recipient=user, mobile=user.mobile, text="Failed one", dedupe_key="t:failed", status="failed", attempts=6
    )
    client.force_login(user)
    body = client.get(reverse("services:inbox")).content.decode()
    assert f'أُرسلت برسالة نصية إلى <span class="num">{user.mobile}</span>' in body
    assert "تعذّر إيصال الرسالة النصية" in body


def test_message_about_an_application_links_to_it(client, user, demo_workflow):
    application = DemoApplicationFactory(applicant=user)
    _message(user, "About your application", "t:app", application=application)
    client.force_login(user)
    body = client.get(reverse("services:inbox")).content.decode()
    assert reverse("services:application-detail", kwargs={"reference": application.reference}) in body


def test_inbox_query_count_does_not_grow_with_messages(client, user, demo_workflow, django_assert_max_num_queries):
    application = DemoApplicationFactory(applicant=user)
    for n in range(25):
        _message(user, f"Message {n}", f"t:many:{n}", application=application if n % 2 else None)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("services:inbox"))
    assert len(response.context["page"].object_list) == 20
    assert response.context["page"].has_next()


def test_the_menu_leads_a_signed_in_person_to_the_inbox(client, user):
    inbox = reverse("services:inbox")
    assert f'href="{inbox}"' not in client.get(reverse("home")).content.decode()
    client.force_login(user)
    assert f'href="{inbox}"' in client.get(reverse("home")).content.decode()
    assert f'href="{inbox}" aria-current="page"' in client.get(inbox).content.decode()
