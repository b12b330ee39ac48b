from django.db import migrations

START_URL_NAME = "contractors:renew"


def forwards(apps, schema_editor):
    from accounts.groups import CONTRACTORS_STAFF, grant

    # The department manages the register and decides renewals (change = decide; the admin has no deletes).
    grant(CONTRACTORS_STAFF, "contractors", None, apps=apps)
    Service = apps.get_model("services", "Service")
    Service.objects.filter(slug="contractor-permit-renewal", start_url_name="").update(start_url_name=START_URL_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("contractors", "0002_renewal_requests"),
        ("accounts", "0003_staff_groups"),
        ("services", "0005_uploads_documents"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
