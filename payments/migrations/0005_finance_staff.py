from django.db import migrations

VIEW_ONLY = [
    "view_bill",
    "view_billline",
    "view_payment",
    "view_queuedpayment",
    "view_paymentaction",
    "view_message",
    "view_receipt",
    "view_settlementimport",
    "view_settlementline",
]


def forwards(apps, schema_editor):
    from accounts.groups import FINANCE_STAFF, SUPERVISORS, grant

    # Finance staff work the queue, import statements and close bills; the admin allows no adds or
    # deletes of bills, payments or messages whatever the permission says.
    grant(FINANCE_STAFF, "payments", None, apps=apps)
    grant(SUPERVISORS, "payments", VIEW_ONLY, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0004_reconciliation"),
        ("accounts", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
