"""Reading what the portal sent: codes arrive as SMS in the Notification outbox (SMS_BACKEND=outbox)."""

import re

from django.urls import reverse

from notifications.models import Notification


def last_sms(mobile: str) -> Notification:
    return Notification.objects.filter(mobile=mobile).order_by("-created_at", "-pk").first()


def sms_code(mobile: str) -> str:
    """The six-digit code in the last SMS sent to ``mobile``."""
    notification = last_sms(mobile)
    assert notification is not None, f"no SMS was sent to {mobile}"
    match = re.search(r"\b(\d{6})\b", notification.text)
    assert match, notification.text
    return match.group(1)


def reauthenticate(client, password: str = "pass-Word-123") -> None:
    """Give the password again (allauth's reauthentication), as a person does before changing their account."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response
