from django.db import migrations

SLUG = "accident-claim-release"
START = "accidents:start"


def forwards(apps, schema_editor):
    Service = apps.get_model("services", "Service")
    Service.objects.filter(slug=SLUG).update(start_url_name=START)


def backwards(apps, schema_editor):
    Service = apps.get_model("services", "Service")
    Service.objects.filter(slug=SLUG, start_url_name=START).update(start_url_name="")


class Migration(migrations.Migration):
    dependencies = [
        ("accidents", "0001_claims_insurance"),
        ("services", "0002_catalogue_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
