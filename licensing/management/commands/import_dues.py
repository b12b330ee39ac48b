"""python manage.py import_dues FILE.csv — load the dues ledger (see licensing.importer)."""

from django.core.management.base import BaseCommand, CommandError

from licensing.importer import COLUMNS, dues_import


class Command(BaseCommand):
    help = (
        "Load property tax and other dues from a UTF-8 CSV with a header row: "
        + ", ".join(COLUMNS)
        + ". Bad rows are reported with their line number and skipped; re-loading the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file (UTF-8, header row)")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                report = dues_import(lines=handle)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(
            f"dues: {report.created} created, {report.updated} updated, {report.unchanged} unchanged; "
            f"{len(report.errors)} bad rows skipped"
        )
