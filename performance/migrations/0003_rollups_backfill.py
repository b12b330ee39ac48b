from django.db import migrations


def backfill(apps, schema_editor):
    """The closing rollup of every application already closed (the nightly rebuild's own code). The days
    started and submitted are sealed by the first nightly rebuild; until then they are counted live."""
    from performance.rollups import rebuild

    rebuild(apps=apps, openings=False)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0002_rollups"),
        ("services", "0012_application_online_ending"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
