"""Importing a register line by line (CSV exports of partner departments), one way for every app.

Each line is checked by a Django ``Form`` (field types and limits declared once, the model's own
where it has them); a bad line is reported with its line number and reason and skipped, and the
good lines still load, each in its own savepoint, so a database refusal of one line loses no other.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext


class RowError(Exception):
    """A line that cannot be loaded; the message is what the report says about it."""


@dataclass
class ImportReport:
    """What an import did. Subclasses add one counter field per outcome (``created``, ``updated``…)."""

    errors: list[tuple[int, str]] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def form_errors_text(form: forms.Form) -> str:
    """``column: message; column: message`` for a row form's errors, named by CSV column."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        parts.append(text if name == "__all__" else f"{name}: {text}")
    return "; ".join(parts)


def row_clean(form_class: type[forms.Form], row: dict) -> dict:
    """The row's values as the form cleans them, or RowError naming each bad column."""
    form = form_class(data={k: (v or "").strip() for k, v in row.items() if k is not None})
    if not form.is_valid():
        raise RowError(form_errors_text(form))
    return form.cleaned_data


def rows_import(
    *,
    rows: Iterable[dict],
    report: ImportReport,
    load: Callable[[dict], str],
    form_class: type[forms.Form] | None = None,
    first_line: int = 2,
) -> ImportReport:
    """Load each row: ``form_class`` cleans it (when given), then ``load(values)`` writes it inside a
    savepoint and returns the name of the report counter to add one to ("" for none; several names
    separated by spaces are each counted).

    Errors name the file's own line when ``rows`` is a :class:`CsvRows` (blank lines and line breaks
    inside quotes included), else the row's position counted from ``first_line``.
    """
    for position, row in enumerate(rows, start=first_line):
        line = getattr(rows, "line_num", None) or position
        try:
            values = row_clean(form_class, row) if form_class is not None else row
            with transaction.atomic():
                outcome = load(values)
        except RowError as exc:
            report.errors.append((line, str(exc)))
            continue
        except ValidationError as exc:
            report.errors.append((line, "; ".join(exc.messages)))
            continue
        except IntegrityError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            report.errors.append((line, gettext("refused by the database: %(reason)s") % {"reason": reason}))
            continue
        for name in (outcome or "").split():
            report.count(name)
    return report


class CsvRows:
    """The rows of a CSV file with a header row, as dicts keyed by the trimmed column names.

    Rows with nothing in them (``,,,``) are skipped; ``line_num`` is the file's line of the row just
    read, so reports name the line a person sees in their editor.
    """

    def __init__(self, lines: Iterable[str], *, required: set[str]):
        self._reader = csv.reader(lines)
        header = next(self._reader, None) or []
        self.fieldnames = [(name or "").strip() for name in header]
        missing = required - set(self.fieldnames)
        if missing:
            raise ValueError(gettext("missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))})

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self):
        for cells in self._reader:
            if not any(cell.strip() for cell in cells):
                continue
            row = dict(zip(self.fieldnames, cells, strict=False))
            for name in self.fieldnames[len(cells) :]:
                row[name] = ""
            yield row


def csv_rows(lines: Iterable[str], *, required: set[str]) -> CsvRows:
    """:class:`CsvRows` over ``lines``; ValueError (translated) names the missing columns."""
    return CsvRows(lines, required=required)


class CsvImportCommand(BaseCommand):
    """The shape every ``manage.py import_* FILE.csv`` command shares: read a UTF-8 CSV (a BOM is fine),
    hand its lines to the app's importer, report each bad line on stderr and a summary on stdout.

    Subclasses set ``help`` and define :meth:`load` (the importer) and :meth:`summary`.
    """

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
