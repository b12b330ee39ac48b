"""Money per day (issue 20): a rollup of the bills per kind and day, written by triggers on payments_bill in the
statement that changes a bill, so the dashboard reads a few rows a day instead of every bill of the window.
The day is Amman's (settings.TIME_ZONE when the migration runs), as performance.selectors counts days."""

import re

from django.conf import settings
from django.db import migrations, models


def _contributions(rows: str, sign: str, tz: str) -> str:
    """What the bills in ``rows`` (a transition table) add to the money rollup, times ``sign``: on its day of
    issue one bill, its amount billed and, while open, outstanding; on its day of payment its amount paid."""
    # The table names and signs are this module's constants, the time zone checked in up().
    return (
        f"SELECT kind, (issued_at AT TIME ZONE '{tz}')::date AS day, {sign} 1 AS bills, {sign} amount AS billed, "  # noqa: S608
        f"CASE WHEN status = 'open' THEN {sign} amount ELSE 0 END AS outstanding, 0 AS paid FROM {rows} "
        f"UNION ALL SELECT kind, (paid_at AT TIME ZONE '{tz}')::date, 0, 0, 0, {sign} amount FROM {rows} "
        f"WHERE status = 'paid' AND paid_at IS NOT NULL"
    )


def _insert(changes: str) -> str:
    # Only the days that changed: a statement that touches no bill's money (updated_at, a description) adds nothing.
    return (
        "INSERT INTO performance_moneyrollup (kind, day, bills, billed, outstanding, paid) "  # noqa: S608 - constants
        "SELECT kind, day, SUM(bills), SUM(billed), SUM(outstanding), SUM(paid) "
        f"FROM ({changes}) AS change GROUP BY kind, day "
        "HAVING SUM(bills) <> 0 OR SUM(billed) <> 0 OR SUM(outstanding) <> 0 OR SUM(paid) <> 0;"
    )


def postgres_up(tz: str) -> list[str]:
    new, old = _contributions("new_rows", "", tz), _contributions("old_rows", "-", tz)
    # One trigger per statement, not per row: a bulk insert of bills adds one row per kind and day.
    return [
        f"""
CREATE OR REPLACE FUNCTION performance_money_rollup() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_insert(new)}
    ELSIF TG_OP = 'UPDATE' THEN
        {_insert(new + " UNION ALL " + old)}
    ELSE
        {_insert(old)}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""",
        """
CREATE TRIGGER performance_money_rollup_insert AFTER INSERT ON payments_bill
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION performance_money_rollup()
""",
        """
CREATE TRIGGER performance_money_rollup_update AFTER UPDATE ON payments_bill
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION performance_money_rollup()
""",
        """
CREATE TRIGGER performance_money_rollup_delete AFTER DELETE ON payments_bill
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION performance_money_rollup()
""",
    ]


POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS performance_money_rollup_insert ON payments_bill",
    "DROP TRIGGER IF EXISTS performance_money_rollup_update ON payments_bill",
    "DROP TRIGGER IF EXISTS performance_money_rollup_delete ON payments_bill",
    "DROP FUNCTION IF EXISTS performance_money_rollup()",
]


def up(apps, schema_editor):
    """The triggers, then the rows of the bills already issued (creating the triggers locks the bills against
    writes until this migration commits, so none is missed or counted twice)."""
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: money per day is read from the bills (performance.selectors.money_per_day)
    tz = settings.TIME_ZONE
    if not re.fullmatch(r"[A-Za-z0-9_+/-]+", tz):
        raise ValueError(f"unexpected TIME_ZONE {tz!r}")
    for sql in postgres_up(tz):
        schema_editor.execute(sql, params=None)
    from performance.rollups import money_rebuild

    money_rebuild(apps=apps)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_DOWN:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0003_rollups_backfill"),
        ("payments", "0007_bill_money_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="MoneyRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40, verbose_name="bill kind")),
                ("day", models.DateField(verbose_name="day")),
                ("bills", models.IntegerField(default=0, verbose_name="bills issued")),
                ("billed", models.DecimalField(decimal_places=3, default=0, max_digits=16, verbose_name="billed")),
                (
                    "outstanding",
                    models.DecimalField(decimal_places=3, default=0, max_digits=16, verbose_name="outstanding"),
                ),
                ("paid", models.DecimalField(decimal_places=3, default=0, max_digits=16, verbose_name="paid")),
            ],
            options={
                "verbose_name": "money per day",
                "verbose_name_plural": "money per day",
                "indexes": [models.Index(fields=["kind", "day"], name="money_rollup_kind_day")],
            },
        ),
        migrations.RunPython(up, down),
    ]
