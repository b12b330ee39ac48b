"""Closings per month (issue 20): the day rollup summed per month, so a window reads its whole months in a few
rows; filled in from the applications by the rebuild's own code (the day rows are found right)."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from performance.rollups import rebuild

    rebuild(apps=apps, openings=False)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0004_money_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClosingMonthRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40, verbose_name="service kind")),
                ("month", models.DateField(verbose_name="month")),
                ("ending", models.CharField(max_length=10, verbose_name="ending")),
                ("working_days", models.IntegerField(verbose_name="working days to complete")),
                ("total", models.PositiveIntegerField(verbose_name="applications")),
            ],
            options={
                "verbose_name": "closings per month",
                "verbose_name_plural": "closings per month",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "kind", "ending", "working_days"), name="closing_month_key"
                    ),
                    models.CheckConstraint(condition=models.Q(("month__day", 1)), name="closing_month_first_day"),
                    models.CheckConstraint(
                        condition=models.Q(("working_days__gte", -1)), name="closing_month_working_days"
                    ),
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
