"""python manage.py import_contractors FILE.csv — load the contractor register (see contractors.importer)."""

from django.core.management.base import BaseCommand, CommandError

from contractors.importer import COLUMNS, register_import


class Command(BaseCommand):
    help = (
        "Load contractors and their permits from a UTF-8 CSV with a header row: "
        + ", ".join(COLUMNS)
        + ". Bad rows are reported with their line number and skipped; re-loading the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file (UTF-8, header row)")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                report = register_import(lines=handle)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(
            f"contractors: {report.contractors_created} created, {report.contractors_updated} updated; "
            f"permits: {report.permits_created} created, {report.permits_updated} updated; "
            f"{report.unchanged} rows unchanged; {len(report.errors)} bad rows skipped"
        )
