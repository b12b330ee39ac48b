"""The licence-splitting card's standard time in the portal's digits ("3 أيام عمل", not "٣ أيام عمل"): the home
page lists it beside cards written with Western digits."""

from django.db import migrations


def forwards(apps, schema_editor):
    from services.catalogue_data import load_catalogue

    load_catalogue(apps.get_model("services", "Service"), apps.get_model("services", "ServiceDocument"))


class Migration(migrations.Migration):
    dependencies = [("services", "0009_holiday_calendar_from_licensing")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
