"""An inspection result (or a missed visit) only once the booked visit has begun (issue 18, item 2).

Each booking keeps the time its visit begins (``visit_at``, from its slot). A result recorded before
its visit under the old rule cannot satisfy the new check: for those rows ``visit_at`` is the result's
time; the slot keeps the booked time, so nothing is lost.
"""

from django.conf import settings
from django.db import migrations, models


def visit_times(apps, schema_editor):
    booking = apps.get_model("licensing", "InspectionBooking")
    for row in booking.objects.select_related("slot").only("pk", "result_at", "slot__starts_at").iterator():
        visit_at = row.slot.starts_at
        if row.result_at is not None and row.result_at < visit_at:
            visit_at = row.result_at
        booking.objects.filter(pk=row.pk).update(visit_at=visit_at)


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0003_holiday_calendar_moves_to_services"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="inspectionbooking",
            name="licensing_booking_result_valid",
        ),
        migrations.AddField(
            model_name="inspectionbooking",
            name="visit_at",
            field=models.DateTimeField(null=True, verbose_name="Visit at"),
        ),
        migrations.RunPython(visit_times, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="inspectionbooking",
            name="visit_at",
            field=models.DateTimeField(verbose_name="Visit at"),
        ),
        migrations.AlterField(
            model_name="inspectionbooking",
            name="result",
            field=models.CharField(
                blank=True,
                choices=[
                    ("compliant", "Compliant"),
                    ("not_compliant", "Not compliant"),
                    ("missed", "Visit did not take place"),
                ],
                max_length=15,
                verbose_name="Result",
            ),
        ),
        migrations.AddConstraint(
            model_name="inspectionbooking",
            constraint=models.CheckConstraint(
                condition=models.Q(("result__in", ["", "compliant", "not_compliant", "missed"])),
                name="licensing_booking_result_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="inspectionbooking",
            constraint=models.CheckConstraint(
                condition=models.Q(("result", ""), ("result_at__gte", models.F("visit_at")), _connector="OR"),
                name="licensing_result_after_visit_began",
            ),
        ),
    ]
