"""Holiday now lives in services (same table); its content type, and so the staff groups' permissions, move too."""

from django.db import migrations


OLD_APP, NEW_APP, MODEL = "licensing", "services", "holiday"


def content_type_move(apps, schema_editor):
    """The model's content type moves with it, and so do the permissions staff groups hold on it.

    On a new database the new app's content type may exist already (a data migration created the
    permissions of both apps): then the groups' permissions are carried over to it and the old one goes.
    """
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    old = content_type.objects.filter(app_label=OLD_APP, model=MODEL).first()
    if old is None:
        return
    new = content_type.objects.filter(app_label=NEW_APP, model=MODEL).first()
    if new is None:
        old.app_label = NEW_APP
        old.save(update_fields=["app_label"])
        return
    for perm in permission.objects.filter(content_type=old):
        target = permission.objects.filter(content_type=new, codename=perm.codename).first()
        if target is None:
            perm.content_type = new
            perm.save(update_fields=["content_type"])
            continue
        for group in perm.group_set.all():
            group.permissions.add(target)
        for user in perm.user_set.all():
            user.user_permissions.add(target)
        perm.delete()
    old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0002_staff_group_and_start_url"),
        ("services", "0009_holiday_calendar_from_licensing"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="Holiday")],
        ),
        migrations.RunPython(content_type_move, migrations.RunPython.noop),
    ]
