"""python manage.py import_contractors FILE.csv — load the contractor register (see contractors.importer)."""

from contractors.importer import COLUMNS, register_import
from core.rows import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Load contractors and their permits from a UTF-8 CSV with a header row: "
        + ", ".join(COLUMNS)
        + ". Bad rows are reported with their line number and skipped; re-loading the same file changes nothing."
    )

    def load(self, lines):
        return register_import(lines=lines)

    def summary(self, report) -> str:
        return (
            f"contractors: {report.contractors_created} created, {report.contractors_updated} updated; "
            f"permits: {report.permits_created} created, {report.permits_updated} updated; "
            f"{report.unchanged} rows unchanged; {len(report.errors)} bad rows skipped"
        )
