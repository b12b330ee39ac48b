"""python manage.py import_dues FILE.csv — load the dues ledger (see licensing.importer)."""

from core.rows import CsvImportCommand
from licensing.importer import COLUMNS, dues_import


class Command(CsvImportCommand):
    help = (
        "Load property tax and other dues from a UTF-8 CSV with a header row: "
        + ", ".join(COLUMNS)
        + ". Bad rows are reported with their line number and skipped; re-loading the same file changes nothing."
    )

    def load(self, lines):
        return dues_import(lines=lines)

    def summary(self, report) -> str:
        return (
            f"dues: {report.created} created, {report.updated} updated, {report.unchanged} unchanged; "
            f"{len(report.errors)} bad rows skipped"
        )
