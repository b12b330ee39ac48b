from django.db import migrations


def forwards(apps, schema_editor):
    from accounts.groups import ACCIDENTS_STAFF, SUPERVISORS, grant

    # The department does everything the service offers staff; supervisors look, they do not decide.
    grant(ACCIDENTS_STAFF, "accidents", None, apps=apps)
    grant(
        SUPERVISORS,
        "accidents",
        ["view_accidentclaim", "view_valuationitem", "view_insurancepolicy", "view_insurancecompany"],
        apps=apps,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accidents", "0002_service_start_url"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
