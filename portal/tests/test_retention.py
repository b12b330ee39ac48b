"""Retention (portal.retention): expired codes and old uploads of closed cases go; the ledger stays."""

from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import OneTimeCode
from accounts.tests.factories import UserFactory
from portal.retention import retention_purge

pytestmark = [pytest.mark.django_db, pytest.mark.security]

LEDGER = ["payments.Bill", "payments.BillLine", "payments.Payment", "payments.Receipt", "payments.Message"]


def ledger_rows() -> dict:
    return {label: list(apps.get_model(label).objects.order_by("pk").values()) for label in LEDGER}


def test_the_purge_is_scheduled_daily_and_its_task_is_registered():
    from portal.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["retention-purge"]
    assert entry["task"] == "portal.tasks.retention_purge"
    assert entry["schedule"] == 24 * 3600
    app.loader.import_default_modules()
    assert "portal.tasks.retention_purge" in app.tasks


def test_expired_codes_are_deleted_a_day_after_they_expire_and_live_ones_kept():
    from accounts.codes import code_send

    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        old = code_send(user=UserFactory(), purpose=OneTimeCode.Purpose.VERIFY_MOBILE)
        traveller.shift(timedelta(hours=23))
        assert retention_purge().codes == 0  # expired, but within the day kept for support questions
        traveller.shift(timedelta(hours=2))
        live = code_send(user=UserFactory(), purpose=OneTimeCode.Purpose.VERIFY_MOBILE)
        result = retention_purge()
    assert result.codes == 1
    assert not OneTimeCode.objects.filter(pk=old.pk).exists()
    assert OneTimeCode.objects.filter(pk=live.pk).exists()


@pytest.fixture
def cases():
    """A released claim paid personally (closed, with a bill, payment and receipt) and one still open."""
    from accidents.tests.factories import ClaimFactory
    from accidents.workflow import claim_certificate_issue
    from payments.testing import pay_bill

    closed = ClaimFactory(paying_personally=True)
    pay_bill(closed.bill)
    closed.refresh_from_db()
    assert closed.closed_at is not None
    certificate = claim_certificate_issue(claim_id=closed.pk)
    still_open = ClaimFactory(awaiting_letter=True)
    return closed, still_open, certificate


def test_uploads_of_a_closed_case_are_deleted_after_the_period_and_the_ledger_stays(cases, client):
    closed, still_open, certificate = cases
    sketch = closed.sketch
    stored_name, storage = sketch.file.name, sketch.file.storage
    assert storage.exists(stored_name)
    ledger_before = ledger_rows()
    assert ledger_before["payments.Payment"] and ledger_before["payments.Message"]

    with time_machine.travel(closed.closed_at + timedelta(days=django_settings.RETENTION_UPLOADS_DAYS - 1)):
        assert retention_purge().uploads == 0
    with time_machine.travel(closed.closed_at + timedelta(days=django_settings.RETENTION_UPLOADS_DAYS + 1)):
        result = retention_purge()
        again = retention_purge()

    assert result.uploads == 1 and again.uploads == 0
    sketch.refresh_from_db()
    assert sketch.file.name == "" and not storage.exists(stored_name)
    # What was given is still on record; the file itself is gone, for its owner too.
    assert sketch.sha256 and sketch.original_name and sketch.size
    client.force_login(closed.applicant)
    assert client.get(reverse("services:upload-download", args=[sketch.uuid])).status_code == 404
    # The open case keeps its file; the ledger and the issued certificate are untouched.
    still_open.sketch.refresh_from_db()
    assert still_open.sketch.file.storage.exists(still_open.sketch.file.name)
    assert ledger_rows() == ledger_before
    certificate.refresh_from_db()
    assert certificate.pdf.storage.exists(certificate.pdf.name)


def test_the_period_is_a_setting(cases, settings):
    closed, _open, _certificate = cases
    settings.RETENTION_UPLOADS_DAYS = 30
    with time_machine.travel(closed.closed_at + timedelta(days=31)):
        assert retention_purge().uploads == 1


def test_the_scheduled_task_runs_the_purge():
    from accounts.codes import code_send
    from portal.tasks import retention_purge_task

    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        code_send(user=UserFactory(), purpose=OneTimeCode.Purpose.VERIFY_MOBILE)
    assert retention_purge_task.delay().get() == {"codes": 1, "uploads": 0}
    assert not OneTimeCode.objects.exists()
