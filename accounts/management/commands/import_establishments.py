"""python manage.py import_establishments FILE.csv — load the register of establishments (accounts.establishments)."""

from accounts.establishments import COLUMNS, establishments_import
from core.rows import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Load the Companies Control Department's register of establishments from a UTF-8 CSV with a header row: "
        + ", ".join(COLUMNS)
        + " (the national or personal numbers of the people authorised to act for it, separated by spaces"
        " or semicolons). An organisation is verified against it when its owner proves their identity"
        " through Sanad. Bad rows are reported with their line number and skipped."
    )

    def load(self, lines):
        return establishments_import(lines=lines)

    def summary(self, report) -> str:
        return (
            f"establishments: {report.created} created, {report.updated} updated, {report.unchanged} unchanged; "
            f"{len(report.errors)} bad rows skipped"
        )
