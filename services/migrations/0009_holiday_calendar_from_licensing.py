"""The working-day calendar moves here from licensing (deadlines and the performance figures use it too).

Only Django's state: the table licensing_holiday is created by licensing 0001 and keeps its name.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0008_notification_moves_to_notifications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Holiday",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="Date")),
                        ("name", models.CharField(max_length=100, verbose_name="Name")),
                    ],
                    options={
                        "verbose_name": "Public holiday",
                        "verbose_name_plural": "Public holidays",
                        "db_table": "licensing_holiday",
                        "ordering": ["date"],
                    },
                ),
            ],
        ),
    ]
