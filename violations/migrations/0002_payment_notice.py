import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("services", "0005_uploads_documents"),
        ("violations", "0001_local_copy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PaymentNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("billing_number", models.CharField(max_length=13, verbose_name="e-payment number")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="services.issueddocument"
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "payment notice",
                "verbose_name_plural": "payment notices",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("organisation__isnull", True)),
                        fields=("billing_number", "owner"),
                        name="payment_notice_one_per_person",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("organisation__isnull", False)),
                        fields=("billing_number", "organisation"),
                        name="payment_notice_one_per_organisation",
                    ),
                ],
            },
        ),
    ]
