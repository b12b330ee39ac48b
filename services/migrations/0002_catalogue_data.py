from django.db import migrations


def load(apps, schema_editor):
    from services.catalogue_data import load_catalogue

    load_catalogue(apps.get_model("services", "Service"), apps.get_model("services", "ServiceDocument"))


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
