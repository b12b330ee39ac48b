"""Rule 5 in the database: a bill's amount never changes once issued, whoever writes the row."""

from django.db import migrations

POSTGRES_UP = [
    """
CREATE OR REPLACE FUNCTION payments_bill_amount_frozen() RETURNS trigger AS $$
BEGIN
    IF NEW.amount <> OLD.amount THEN
        -- No format placeholder: the migration runs through a driver that treats percent signs as its own.
        RAISE EXCEPTION USING MESSAGE = 'payments_bill.amount is fixed at issue, bill ' || OLD.billing_number,
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER payments_bill_amount_frozen BEFORE UPDATE OF amount ON payments_bill
    FOR EACH ROW EXECUTE FUNCTION payments_bill_amount_frozen()
""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS payments_bill_amount_frozen ON payments_bill",
    "DROP FUNCTION IF EXISTS payments_bill_amount_frozen()",
]
SQLITE_UP = [
    """
CREATE TRIGGER payments_bill_amount_frozen BEFORE UPDATE OF amount ON payments_bill
WHEN NEW.amount <> OLD.amount
BEGIN SELECT RAISE(ABORT, 'payments_bill.amount is fixed at issue'); END
""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS payments_bill_amount_frozen"]


def up(apps, schema_editor):
    for sql in {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def down(apps, schema_editor):
    for sql in {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_bills_payments")]

    operations = [migrations.RunPython(up, down)]
