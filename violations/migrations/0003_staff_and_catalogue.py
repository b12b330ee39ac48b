"""The violations_staff group's permissions (read-mostly, plus importing the feed) and the catalogue
card's start link. seed_demo applies both again (violations/demo.py), after the catalogue reload."""

from django.db import migrations

STAFF_PERMISSIONS = [
    "view_violation",
    "view_vehicle",
    "view_drivinglicence",
    "view_fleetvehicle",
    "view_inquirylog",
    "view_feedimport",
    "add_feedimport",
    "view_paymentnotice",
]


def forwards(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate); make ours now. (Done here
    # rather than with accounts.groups.grant, which cannot take a migration's app registry yet.)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="violations_staff")
    for codename in STAFF_PERMISSIONS:
        action, model_name = codename.split("_", 1)
        model = apps.get_model("violations", model_name)
        content_type, _ = ContentType.objects.get_or_create(app_label="violations", model=model_name)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
        )
        group.permissions.add(permission)
    Service = apps.get_model("services", "Service")
    Service.objects.filter(slug="traffic-violations").update(start_url_name="violations:inquiry")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("services", "0002_catalogue_data"),
        ("violations", "0002_payment_notice"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
