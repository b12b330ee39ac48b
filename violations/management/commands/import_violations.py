"""python manage.py import_violations FILE.csv — load the Traffic Department's feed (DESIGN.md format).

Idempotent: importing the same file again changes nothing. Bad lines are reported with their line
number and reason and skipped; good lines load. Exit status 0 even with bad lines (they are data,
reported to the partner); 1 only when the file as a whole cannot be read.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from violations.feed import FeedFileError, feed_import


class Command(BaseCommand):
    help = "Import the Traffic Department's violations feed (CSV). Re-importing the same file changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            result = feed_import(data=data, file_name=path.name)
        except FeedFileError as exc:
            raise CommandError(str(exc)) from None
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(
            f"{path.name}: {result.rows} rows read, {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.kept_paid} kept paid, {result.bills_closed} bills closed, "
            f"{len(result.errors)} bad lines"
        )
