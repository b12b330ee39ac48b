"""GET /api/v1/me/devices and DELETE /api/v1/me/devices/<id>: the app's side of "My devices" (issue 17)."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserSession
from api.models import ApiToken

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"


def _app(user, device: str) -> tuple[Client, ApiToken]:
    response = Client().post(
        "/api/v1/auth/token",
        {"identifier": user.national_id, "password": PASSWORD, "device": device},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    raw = response.json()["token"]
    token = ApiToken.objects.get(prefix=raw[:8])
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), token


def _browser(user) -> Client:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    assert client.post(reverse("account_login"), {"login": user.mobile, "password": PASSWORD}).status_code == 302
    return client


def test_the_app_lists_my_browsers_and_app_tokens_and_marks_itself(user, other_user):
    app, token = _app(user, "Galaxy A54")
    _other_app, other_token = _app(user, "iPad")
    _browser(user)
    _app(other_user, "Not mine")
    session = UserSession.objects.get(user=user)

    response = app.get("/api/v1/me/devices")
    assert response.status_code == 200
    devices = response.json()
    assert devices[0] == {
        "id": f"app-{token.pk}",
        "kind": "app",
        "name": "Galaxy A54",
        "address": "",
        "created_at": devices[0]["created_at"],
        "last_used_at": devices[0]["last_used_at"],
        "current": True,
    }
    assert {device["id"] for device in devices} == {f"app-{token.pk}", f"app-{other_token.pk}", f"session-{session.pk}"}
    browser = next(device for device in devices if device["kind"] == "session")
    assert browser["name"] == "Firefox — Linux" and browser["address"] == "127.0.0.1" and not browser["current"]
    assert app.get(f"/api/v1/me/devices/session-{session.pk}").json()["name"] == "Firefox — Linux"


def test_the_app_signs_out_another_token_and_a_browser(user):
    app, _token = _app(user, "Galaxy A54")
    other_app, other_token = _app(user, "iPad")
    browser = _browser(user)
    session = UserSession.objects.get(user=user)

    assert app.delete(f"/api/v1/me/devices/app-{other_token.pk}").status_code == 204
    assert other_app.get("/api/v1/me").status_code == 401
    assert app.delete(f"/api/v1/me/devices/session-{session.pk}").status_code == 204
    assert browser.get(reverse("accounts:profile")).status_code == 302
    assert app.get("/api/v1/me").status_code == 200
    # Gone is gone: a second sign-out of the same device is a 404.
    assert app.delete(f"/api/v1/me/devices/app-{other_token.pk}").status_code == 404


def test_someone_elses_devices_are_404(user, other_user):
    app, _token = _app(user, "Galaxy A54")
    their_app, their_token = _app(other_user, "Their phone")
    _browser(other_user)
    their_session = UserSession.objects.get(user=other_user)
    for device_id in (f"app-{their_token.pk}", f"session-{their_session.pk}", "app-0", "printer-1"):
        assert app.get(f"/api/v1/me/devices/{device_id}").status_code == 404
        response = app.delete(f"/api/v1/me/devices/{device_id}")
        assert response.status_code == 404 and response.json()["code"]
    assert their_app.get("/api/v1/me").status_code == 200


def test_a_malformed_device_id_is_refused_as_bad_input(user):
    app, _token = _app(user, "Galaxy A54")
    assert app.delete("/api/v1/me/devices/" + "app-" + "9" * 30).status_code == 422
    assert app.get("/api/v1/me/devices/APP-1").status_code == 422


def test_devices_need_a_token():
    assert Client().get("/api/v1/me/devices").status_code == 401


def test_an_app_token_records_its_last_use_at_most_once_a_minute(user):
    app, token = _app(user, "Galaxy A54")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        app.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        app.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        devices = json.loads(app.get("/api/v1/me/devices").content)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(minutes=2)
    assert devices[0]["last_used_at"] is not None


def test_the_existing_operation_ids_are_unchanged_and_the_devices_are_in_the_schema():
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"api_endpoints_me", "api_endpoints_token_create", "api_endpoints_token_revoke"} <= ids
    assert "/api/v1/me/devices" in schema["paths"]
    assert "delete" in schema["paths"]["/api/v1/me/devices/{device_id}"]
