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
from django.db import IntegrityError, transaction


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
    savepoint and returns the name of the report counter to add one to (or "" for none)."""
    for line, row in enumerate(rows, start=first_line):
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
            report.errors.append((line, f"refused by the database: {exc}".splitlines()[0]))
            continue
        if outcome:
            report.count(outcome)
    return report


def csv_rows(lines: Iterable[str], *, required: set[str]) -> csv.DictReader:
    """A DictReader over ``lines`` (a header row first); ValueError names the missing columns."""
    reader = csv.DictReader(lines)
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"missing columns: {', '.join(sorted(missing))}")
    return reader
