"""The shape every ``manage.py import_* FILE.csv`` command shares: read a UTF-8 CSV (a BOM is fine),
hand its lines to the app's importer, report each bad line on stderr and a summary on stdout."""

from django.core.management.base import BaseCommand, CommandError


class CsvImportCommand(BaseCommand):
    """Subclasses set ``help`` and define :meth:`load` (the importer) and :meth:`summary`."""

    def load(self, lines):
        """Import ``lines`` (an open text file); return a report with ``errors`` as (line, reason)."""
        raise NotImplementedError

    def summary(self, report) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file (UTF-8, header row)")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                report = self.load(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(self.summary(report))
