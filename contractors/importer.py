"""Loading the contractor register from CSV (the department's export).

One row per permit, carrying its contractor's columns; a row with the permit columns empty loads
only the contractor. Contractors are keyed by number and permits by (number, year): a later row for
the same key updates it, so loading the same file twice changes nothing. Each row is checked by
``RegisterRowForm``; a bad row is reported with its line number and reason and skipped, and good rows
still load, each in its own savepoint (``core.rows``).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contractors.constants import Classification, PermitKind, PermitStatus
from contractors.inputs import identifier_normalize
from contractors.models import Contractor, Permit
from core.phones import phone_normalise
from core.rows import ImportReport, RowError, csv_rows, rows_import

CONTRACTOR_COLUMNS = ["contractor_number", "name_ar", "name_en", "classification", "phone"]
PERMIT_COLUMNS = ["permit_number", "permit_year", "kind", "site", "valid_from", "valid_until", "status"]
COLUMNS = CONTRACTOR_COLUMNS + PERMIT_COLUMNS
REQUIRED_COLUMNS = {"contractor_number", "name_ar", "classification"}
# Needed once any permit column is filled in (status defaults to active).
PERMIT_REQUIRED = ["permit_number", "permit_year", "kind", "site", "valid_from", "valid_until"]


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class _IdentifierField(forms.CharField):
    """A contractor or permit number as people type it: ASCII digits, upper case, no spaces."""

    def to_python(self, value):
        return identifier_normalize(super().to_python(value))


class _CodeField(forms.ChoiceField):
    """A code from ``choices`` in any case; a wrong one is reported with the codes allowed."""

    def to_python(self, value):
        return super().to_python(value).strip().lower()

    def validate(self, value):
        forms.Field.validate(self, value)
        if value and not self.valid_value(value):
            raise ValidationError(
                _("unknown value “%(value)s” (allowed: %(allowed)s)"),
                code="invalid_choice",
                params={"value": value, "allowed": ", ".join(str(code) for code, _label in self.choices)},
            )


class _IsoDateField(forms.DateField):
    """A date as the export writes it: ISO 8601 (2026-01-31), never a locale's day/month order."""

    input_formats = ["iso-8601"]
    default_error_messages = {"invalid": _("Enter the date as YYYY-MM-DD.")}

    def strptime(self, value, format):
        return dt.date.fromisoformat(value)


class RegisterRowForm(forms.Form):
    """One row of the register; limits are the models' own."""

    contractor_number = _IdentifierField(max_length=_max_length(Contractor, "number"))
    name_ar = forms.CharField(max_length=_max_length(Contractor, "name_ar"))
    name_en = forms.CharField(max_length=_max_length(Contractor, "name_en"), required=False)
    classification = _CodeField(choices=Classification.choices)
    phone = forms.CharField(required=False)
    permit_number = _IdentifierField(max_length=_max_length(Permit, "number"), required=False)
    permit_year = _IdentifierField(required=False)
    kind = _CodeField(choices=PermitKind.choices, required=False)
    site = forms.CharField(max_length=_max_length(Permit, "site"), required=False)
    valid_from = _IsoDateField(required=False)
    valid_until = _IsoDateField(required=False)
    status = _CodeField(choices=PermitStatus.choices, required=False)

    def clean_contractor_number(self):
        value = self.cleaned_data["contractor_number"]
        if not value.isdecimal():
            raise ValidationError(_("The contractor number is made of digits only."), code="digits")
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return phone_normalise(value) if value else ""

    def clean_permit_year(self):
        value = self.cleaned_data["permit_year"]
        if value and (not value.isdecimal() or not 1990 <= int(value) <= 2100):
            raise ValidationError(_("Enter the permit year in four digits, e.g. 2025."), code="year")
        return int(value) if value else None

    def has_permit(self) -> bool:
        return any(self.data.get(name) for name in PERMIT_COLUMNS)

    def clean(self):
        data = super().clean()
        if not self.has_permit():
            return data
        for name in PERMIT_REQUIRED:
            if name not in self.errors and data.get(name) in (None, ""):
                self.add_error(name, self.fields[name].error_messages["required"])
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error(None, _("valid_until is before valid_from"))
        data["status"] = data.get("status") or PermitStatus.ACTIVE
        return data


@dataclass
class RegisterReport(ImportReport):
    contractors_created: int = 0
    contractors_updated: int = 0
    permits_created: int = 0
    permits_updated: int = 0
    unchanged: int = 0


def _upsert(model, lookup: dict, values: dict) -> tuple[object, str]:
    """Create, update or leave alone; return (object, "created" | "updated" | "unchanged")."""
    obj = model.objects.select_for_update().filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=[*changed, "updated_at"])
    return obj, "updated"


def _row_load(values: dict) -> str:
    """Load one row; return the report counters it adds to, e.g. "contractors_created permits_updated"."""
    number = values["contractor_number"]
    contractor, outcome = _upsert(
        Contractor,
        {"number": number},
        {name: values[name] for name in ("name_ar", "name_en", "classification", "phone")},
    )
    outcomes = [] if outcome == "unchanged" else [f"contractors_{outcome}"]
    if values.get("permit_number"):
        permit_number, year = values["permit_number"], values["permit_year"]
        existing = (
            Permit.objects.select_related("contractor")
            .filter(number=permit_number, year=year)
            .exclude(contractor=contractor)
            .first()
        )
        if existing is not None:
            raise RowError(
                gettext("permit %(permit)s belongs to contractor %(other)s, not %(number)s")
                % {"permit": f"{permit_number}/{year}", "other": existing.contractor.number, "number": number}
            )
        _permit, outcome = _upsert(
            Permit,
            {"contractor": contractor, "number": permit_number, "year": year},
            {name: values[name] for name in ("kind", "site", "valid_from", "valid_until", "status")},
        )
        if outcome != "unchanged":
            outcomes.append(f"permits_{outcome}")
    return " ".join(outcomes) or "unchanged"


def register_import(*, lines: Iterable[str]) -> RegisterReport:
    """Load contractors and permits from CSV text lines (with a header row)."""
    rows = csv_rows(lines, required=REQUIRED_COLUMNS)
    return rows_import(rows=rows, report=RegisterReport(), load=_row_load, form_class=RegisterRowForm)
