"""core.sql: reads and writes by statements written once, as the ORM would do them."""

import pytest
from django.utils import timezone

from core import sql
from violations.models import InquiryLog, Vehicle
from violations.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_select_answers_model_instances_as_the_orm_does():
    wanted = VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")
    VehicleFactory(plate_code="10", plate_number="79211", registration_number="7702154")
    (found,) = sql.select(Vehicle, "{plate_code} = %s AND {plate_number} = %s", ["10", "79210"], limit=1)
    assert found == wanted and not found._state.adding
    assert [getattr(found, f.attname) for f in Vehicle._meta.concrete_fields] == [
        getattr(Vehicle.objects.get(pk=wanted.pk), f.attname) for f in Vehicle._meta.concrete_fields
    ]
    assert sql.select(Vehicle, "{plate_number} = %s", ["none"]) == []


def test_insert_writes_the_row_the_orm_would_with_its_automatic_time(user):
    before = timezone.now()
    sql.insert(InquiryLog, user=user, ip_address="10.0.0.9", kind="vehicle", subject_hash="h" * 64, matched=True)
    row = InquiryLog.objects.get()
    assert (row.user, row.ip_address, row.kind, row.matched, row.violations_count) == (
        user,
        "10.0.0.9",
        "vehicle",
        True,
        0,
    )
    assert before <= row.created_at <= timezone.now()


def test_insert_leaves_a_model_with_save_receivers_to_the_orm(user):
    """A model something listens to (an audited one, say) is written by the ORM: no receiver is skipped."""
    from django.db.models.signals import post_save

    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.subject_hash, created))

    post_save.connect(receiver, sender=InquiryLog, weak=False)
    try:
        sql.insert(InquiryLog, user=user, kind="vehicle", subject_hash="s" * 64, matched=False)
    finally:
        post_save.disconnect(receiver, sender=InquiryLog)
    assert heard == [("s" * 64, True)]
    assert InquiryLog.objects.get().subject_hash == "s" * 64
