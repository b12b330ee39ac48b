from django.db import migrations


class Migration(migrations.Migration):
    # "reason" clashed with application_create()'s own ``reason`` (the first event's reason).
    dependencies = [("contractors", "0003_staff_group_and_start_url")]

    operations = [migrations.RenameField("renewalrequest", "reason", "renewal_reason")]
