"""Notification, moved here from the services app with its table (services_notification)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


OLD_APP, NEW_APP, MODEL = "services", "notifications", "notification"


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
    initial = True

    dependencies = [
        ("services", "0008_notification_moves_to_notifications"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table services_notification exists (services 0003, 0007): only Django's state moves.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("mobile", models.CharField(blank=True, max_length=16, verbose_name="mobile number")),
                        ("language", models.CharField(default="ar", max_length=2, verbose_name="language")),
                        ("text", models.TextField(verbose_name="text")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("skipped", "Not sent by SMS"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        (
                            "provider_id",
                            models.CharField(blank=True, max_length=100, verbose_name="provider message id"),
                        ),
                        ("last_error", models.CharField(blank=True, max_length=500, verbose_name="last error")),
                        ("dedupe_key", models.CharField(max_length=200, unique=True, verbose_name="event key")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created at"),
                        ),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                        (
                            "last_attempt_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="last attempt at"),
                        ),
                        (
                            "next_attempt_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="next attempt at"),
                        ),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="notifications",
                                to="services.application",
                                verbose_name="application",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recipient",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "services_notification",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
                            models.Index(
                                condition=models.Q(("status__in", ["queued", "sending"])),
                                fields=["status", "created_at"],
                                name="notif_unfinished",
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "sent"), _negated=True),
                                    ("sent_at__isnull", False),
                                    _connector="OR",
                                ),
                                name="notification_sent_has_sent_at",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_move, migrations.RunPython.noop),
    ]
