"""Supervisors see every department's queues and records, read-only, and the audit trail (issue 18, item 3).

They held view permissions on accidents, accounts and payments only. Viewing is all they get: every
decision in the admin needs the department's own change or action permission.
"""

from django.db import migrations

# The apps whose records a supervisor reads (accounts, accidents and payments were granted before).
APPS = ("contractors", "licensing", "violations", "services", "notifications", "performance", "portal")


def forwards(apps, schema_editor):
    from accounts.groups import SUPERVISORS, grant  # on run only: the migration graph loads without app code

    for label in APPS:
        views = [f"view_{model._meta.model_name}" for model in apps.get_app_config(label).get_models()]
        grant(SUPERVISORS, label, views, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("accounts", "0003_staff_groups"),
        ("contractors", "0004_renewal_reason_field"),
        ("licensing", "0004_inspection_result_after_the_visit"),
        ("violations", "0003_staff_and_catalogue"),
        ("services", "0009_holiday_calendar_from_licensing"),
        ("notifications", "0001_initial"),
        ("performance", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
