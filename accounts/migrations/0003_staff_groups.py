"""The six department groups, with what they need from accounts. Other apps grant their own model
permissions to these groups with accounts.groups.grant() in their own data migrations."""

from django.db import migrations


def forwards(apps, schema_editor):
    from accounts.groups import staff_groups_create

    staff_groups_create(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_english_names_invitations_codes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
