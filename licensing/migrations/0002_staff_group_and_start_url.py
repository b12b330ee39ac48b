from django.db import migrations

SLUG = "profession-licence-splitting"
# The card's path: login → profession licences → "add / change profession".
START_URL_NAME = "licensing:licences"


def forwards(apps, schema_editor):
    from accounts.groups import LICENSING_STAFF, grant  # on run only: the graph loads without app code

    # The department records approvals, inspections, Civil Defence decisions and fees, and keeps the
    # profession list, licences, dues ledger, slots and holidays (the admin allows no status edits).
    grant(LICENSING_STAFF, "licensing", None, apps=apps)
    Service = apps.get_model("services", "Service")
    Service.objects.filter(slug=SLUG, start_url_name="").update(start_url_name=START_URL_NAME)


def backwards(apps, schema_editor):
    Service = apps.get_model("services", "Service")
    Service.objects.filter(slug=SLUG, start_url_name=START_URL_NAME).update(start_url_name="")


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0001_initial"),
        ("accounts", "0003_staff_groups"),
        ("services", "0005_uploads_documents"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
