"""Staff second factor (portal.mfa): the admin needs a TOTP code on top of the password."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import UserFactory
from portal.mfa import DEMO_TOTP_SECRET, demo_devices_create

pytestmark = [pytest.mark.django_db, pytest.mark.security]

PASSWORD = "pass-Word-123"  # accounts.tests.factories.UserFactory


@pytest.fixture(autouse=True)
def mfa_on(settings):
    settings.STAFF_MFA_REQUIRED = True


def code_for(device, *, at=None) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user):
    response = client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    return response


@pytest.fixture
def staff():
    return UserFactory(staff=True, is_superuser=True)


def test_a_password_alone_does_not_open_the_admin(client, staff):
    sign_in(client, staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal-mfa')}?next=%2Fadmin%2F"


def test_staff_without_a_device_enrol_one_and_its_first_code_opens_the_admin(client, staff):
    sign_in(client, staff)
    page = client.get(reverse("portal-mfa"), {"next": "/admin/"})
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert page.context["secret"] and page.context["secret"] in page.content.decode()
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")

    response = client.post(reverse("portal-mfa"), {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_keeps_what_was_typed(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    sign_in(client, staff)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("portal-mfa"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert f'value="{wrong}"' in response.content.decode()
    assert "secret" not in response.context  # an enrolled device's secret is never shown again
    assert client.get("/admin/").status_code == 302


def test_a_code_works_once_only(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    with time_machine.travel(timezone.now(), tick=False):
        code = code_for(device)
        sign_in(client, staff)
        assert client.post(reverse("portal-mfa"), {"code": code})["Location"] == reverse("admin:index")

        replay = type(client)()
        sign_in(replay, staff)
        response = replay.post(reverse("portal-mfa"), {"code": code})
    assert response.status_code == 200
    assert replay.get("/admin/").status_code == 302


BILLER_ENDPOINTS = {"payments:efawateercom-bill-pull", "payments:efawateercom-payment-notification"}


def test_every_page_sends_an_unverified_staff_member_to_the_code_page(client, staff):
    from portal.mfa import StaffMFAMiddleware
    from portal.tests.test_url_sweep import build, routes

    sign_in(client, staff)
    mfa = reverse("portal-mfa")
    exempt = set(StaffMFAMiddleware.ALLOWED_NAMES)
    wrong = []
    for route in routes():
        if route.name in exempt or route.name.startswith("api:"):  # the API takes bearer tokens, not sessions
            continue
        if route.name in BILLER_ENDPOINTS:  # eFAWATEERcom's signed messages: no session, no person (portal.lean)
            continue
        url = build(route)
        response = client.get(url)
        if not (response.status_code == 302 and response["Location"].startswith(mfa)):
            wrong.append((route.name, url, response.status_code))
    assert not wrong


def test_a_persons_file_is_not_served_to_an_unverified_staff_session(client, staff):
    from accidents.tests.factories import ClaimFactory

    claim = ClaimFactory()
    sign_in(client, staff)
    response = client.get(reverse("services:upload-download", args=[claim.sketch.uuid]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal-mfa"))
    assert client.get(reverse("performance:dashboard"))["Location"].startswith(reverse("portal-mfa"))


def test_the_admin_site_itself_refuses_an_unverified_session(staff):
    request = RequestFactory().get("/admin/")
    request.user = staff
    staff.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    staff.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_the_code_page_does_not_redirect_off_site(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    sign_in(client, staff)
    response = client.post(reverse("portal-mfa"), {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:index")


def test_citizens_have_no_second_factor_page(client, user):
    client.force_login(user)
    assert client.get(reverse("portal-mfa"))["Location"] == reverse("home")
    assert not TOTPDevice.objects.exists()


def test_a_verified_staff_session_still_ends_after_thirty_idle_minutes(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, staff)
        client.post(reverse("portal-mfa"), {"code": code_for(device)})
        assert client.get("/admin/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/admin/")
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_demo_staff_use_the_published_demo_secret(client, settings):
    from accounts import demo

    settings.DEBUG = True
    out = io.StringIO()
    demo.load(stdout=out)
    demo_devices_create(demo.demo_staff(), stdout=out)  # as seed_demo does after the apps' demo data
    assert DEMO_TOTP_SECRET in out.getvalue()
    assert TOTPDevice.objects.filter(user__username="violations", confirmed=True).count() == 1

    code_out = io.StringIO()
    call_command("demo_totp", stdout=code_out)
    response = client.post(
        reverse("admin:login"), {"username": "violations", "password": demo.DEMO_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    client.post(reverse("portal-mfa"), {"code": code_out.getvalue().strip()})
    assert client.get("/admin/").status_code == 200


def test_the_demo_secret_is_not_printed_with_debug_off(settings):
    from accounts import demo

    settings.DEBUG = False
    out = io.StringIO()
    demo.load(stdout=out)
    demo_devices_create(demo.demo_staff(), stdout=out)  # as seed_demo does after the apps' demo data
    assert DEMO_TOTP_SECRET not in out.getvalue()
    with pytest.raises(Exception, match="DEBUG"):
        call_command("demo_totp", stdout=io.StringIO())


def test_deploy_check_warns_when_the_second_factor_is_off(settings):
    from portal.checks import staff_mfa_check

    assert staff_mfa_check(None) == []
    settings.STAFF_MFA_REQUIRED = False
    assert [w.id for w in staff_mfa_check(None)] == ["portal.W001"]
