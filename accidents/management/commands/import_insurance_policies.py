"""Load an insurer's policy file into the local insurance registry (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from accidents.insurance import IMPORT_COLUMNS, policies_import_csv


class Command(BaseCommand):
    help = (
        "Import insurance policies from a CSV file (UTF-8, header row: "
        + ", ".join(IMPORT_COLUMNS)
        + "). Rows update policies by (insurer_code, policy_number); bad rows are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")

    def handle(self, *args, path, **options):
        try:
            report = policies_import_csv(path=path)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except ValueError as exc:  # the file lacks columns
            raise CommandError(str(exc)) from exc
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"skipped {len(report.errors)}"
        )
