"""The audit trail (portal.audit) and the logs (portal.logsafe)."""

import logging
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organisation
from accounts.tests.factories import MembershipFactory, UserFactory
from payments.models import Payment
from payments.registry import temporary_bill_handler
from payments.testing import pay_bill
from payments.tests.factories import TEST_KIND, BillFactory
from portal.audit import AuditMiddleware
from portal.logsafe import SafeFormatter
from portal.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def entries(instance, **filters):
    content_type = ContentType.objects.get_for_model(instance)
    return AuditEntry.objects.filter(content_type=content_type, object_id=str(instance.pk), **filters).order_by("pk")


# --- changes -----------------------------------------------------------------------------------
def test_a_bill_and_its_payment_are_recorded_with_what_changed():
    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None):
        bill = BillFactory(lines=[("x:1", "12.500")])
        created = entries(bill, action="create").get()
        assert created.actor is None and created.actor_repr == "system"
        assert created.changes["billing_number"] == [None, bill.billing_number]

        pay_bill(bill)
    payment = Payment.objects.get(bill=bill)
    assert entries(payment, action="create").exists()
    bill.refresh_from_db()
    status_changes = [e.changes["status"] for e in entries(bill, action="update") if "status" in e.changes]
    assert status_changes[-1] == ["open", bill.status]


def test_a_change_made_on_a_page_names_who_made_it_and_where(client):
    membership = MembershipFactory()
    organisation, owner = membership.organisation, membership.user
    client.force_login(owner)
    response = client.post(
        reverse("accounts:organisation-edit", args=[organisation.pk]),
        {
            "kind": organisation.kind,
            "establishment_number": organisation.establishment_number,
            "name_ar": "اسم جديد للشركة",
            "name_en": organisation.name_en,
            "phone": "065001234",
        },
    )
    assert response.status_code == 302
    entry = entries(organisation, action="update").last()
    assert entry.actor == owner and entry.actor_repr == owner.username
    assert entry.changes["name_ar"][1] == "اسم جديد للشركة"
    assert entry.path == reverse("accounts:organisation-edit", args=[organisation.pk])
    assert entry.at is not None


def test_deleting_an_audited_record_is_recorded():
    organisation = MembershipFactory().organisation
    Organisation.objects.filter(pk=organisation.pk)
    organisation.memberships.all().delete()
    pk = organisation.pk
    organisation.delete()
    assert not Organisation.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(pk)).exists()


def test_secrets_never_enter_the_trail():
    user = UserFactory()
    user.set_password("a-New-passw0rd")
    user.save()
    change = entries(user, action="update").last()
    assert change.changes["password"] == ["***", "***"]
    device = TOTPDevice.objects.create(user=user, name="authenticator")
    created = entries(device, action="create").get()
    assert created.changes["key"] == [None, "***"]
    text = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert device.key not in text and "a-New-passw0rd" not in text and user.password not in text


def test_saving_without_a_change_writes_nothing():
    user = UserFactory()
    before = AuditEntry.objects.count()
    user.save()
    assert AuditEntry.objects.count() == before


def test_the_trail_is_read_only_in_the_admin(admin_client):
    entry = AuditEntry.objects.create(actor_repr="system", action="view")
    assert admin_client.get(reverse("admin:portal_auditentry_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:portal_auditentry_add")).status_code == 403
    assert admin_client.post(reverse("admin:portal_auditentry_delete", args=[entry.pk])).status_code == 403


# --- staff views of personal data --------------------------------------------------------------
def test_staff_opening_a_persons_record_in_the_admin_is_recorded(admin_client, admin_user):
    person = UserFactory()
    assert admin_client.get(reverse("admin:accounts_user_change", args=[person.pk])).status_code == 200
    view = entries(person, action="view").get()
    assert view.actor == admin_user
    assert view.changes == {"page": "admin:accounts_user_change"}
    admin_client.get(reverse("admin:accounts_user_history", args=[person.pk]))
    assert entries(person, action="view").count() == 2


def test_staff_opening_an_application_and_its_upload_is_recorded(admin_client, admin_user):
    from accidents.tests.factories import ClaimFactory
    from services.models import Application

    claim = ClaimFactory()
    assert admin_client.get(reverse("admin:accidents_accidentclaim_change", args=[claim.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="view", object_id=str(claim.pk), actor=admin_user).exists()
    assert isinstance(claim, Application)

    download = admin_client.get(reverse("services:upload-download", args=[claim.sketch.uuid]))
    assert download.status_code == 200
    assert entries(claim.sketch, action="view", actor=admin_user).exists()


def test_a_person_opening_their_own_file_is_not_a_staff_view(client):
    from accidents.tests.factories import ClaimFactory

    claim = ClaimFactory()
    client.force_login(claim.applicant)
    assert client.get(reverse("services:upload-download", args=[claim.sketch.uuid])).status_code == 200
    assert not AuditEntry.objects.filter(action="view").exists()


# --- logs ----------------------------------------------------------------------------------------
def _console_formatter() -> logging.Formatter:
    config = django_settings.LOGGING
    assert config["formatters"]["plain"]["()"] == "portal.logsafe.SafeFormatter"
    assert config["handlers"]["console"]["formatter"] == "plain"
    return SafeFormatter(config["formatters"]["plain"]["format"])


def test_user_input_cannot_forge_a_log_line(caplog):
    formatter = _console_formatter()
    with caplog.at_level(logging.INFO):
        Client().get("/no-such-page%0A2026-01-01 00:00:00 INFO django.security fake%0D%1B[31m/")
    lines = [formatter.format(r) for r in caplog.records]
    assert any("no-such-page" in line for line in lines)
    for line in lines:
        assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert any("no-such-page\\n2026-01-01" in line for line in lines)


def test_sign_in_codes_and_tokens_are_never_logged(caplog, settings, client):
    from django_otp.oath import TOTP

    from accounts import codes
    from api.models import ApiToken

    settings.STAFF_MFA_REQUIRED = True
    settings.AXES_FAILURE_LIMIT = 100
    user = UserFactory()
    staff = UserFactory(staff=True)
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    secrets_seen = ["Wrong-Passw0rd-xyz", "pass-Word-123", device.key, settings.SECRET_KEY]
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("account_login"), {"login": user.national_id, "password": "Wrong-Passw0rd-xyz"})
        with mock.patch("accounts.codes.secrets.randbelow", return_value=424242):
            codes.code_send(user=user, purpose="verify_mobile")
        secrets_seen.append("424242")
        client.post(reverse("accounts:verify-mobile"), {"code": "424242"})
        _token, raw = ApiToken.issue(user=user)
        secrets_seen.append(raw)
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
        staff_client = Client()
        staff_client.post(
            reverse("admin:login"), {"username": staff.username, "password": "pass-Word-123", "next": "/admin/"}
        )
        otp = f"{TOTP(device.bin_key).token():06d}"
        secrets_seen.append(otp)
        staff_client.post(reverse("portal-mfa"), {"code": otp})
        assert staff_client.get("/admin/").status_code == 200
    formatter = _console_formatter()
    assert caplog.records, "the flows above log something"
    for record in caplog.records:
        raw_text, formatted = record.getMessage(), formatter.format(record)
        for secret in secrets_seen:
            assert secret not in raw_text, f"{secret!r} logged by {record.name}: {raw_text}"
            assert secret not in formatted


def test_the_formatter_redacts_what_a_careless_message_would_leak(settings):
    formatter = SafeFormatter("%(message)s")
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "gateway said %s", (f"password=abc token: xyz {settings.SECRET_KEY}",), None
    )
    line = formatter.format(record)
    assert "abc" not in line and "xyz" not in line and settings.SECRET_KEY not in line
    assert "password=***" in line


def test_a_change_through_the_token_api_names_the_tokens_owner():
    membership = MembershipFactory()
    person = membership.user

    def view(request):
        request.user = person  # what api.auth.TokenAuth does inside the view
        membership.organisation.name_en = "Renamed through the app"
        membership.organisation.save()
        return HttpResponse()

    request = RequestFactory().post("/api/v1/something")
    request.user = AnonymousUser()
    AuditMiddleware(view)(request)
    entry = entries(membership.organisation, action="update").get()
    assert entry.actor == person and entry.path == "/api/v1/something"
