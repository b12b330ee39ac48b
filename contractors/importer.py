"""Loading the contractor register from CSV (the department's export).

One row per permit, carrying its contractor's columns; a row with the permit columns empty loads
only the contractor. Contractors are keyed by number and permits by (number, year): a later row for
the same key updates it, so loading the same file twice changes nothing. A bad row is reported
with its line number and reason and skipped; good rows still load (each in its own savepoint).
"""

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contractors.constants import Classification, PermitKind, PermitStatus
from contractors.inputs import identifier_normalize
from contractors.models import Contractor, Permit
from core.phones import phone_normalise

CONTRACTOR_COLUMNS = ["contractor_number", "name_ar", "name_en", "classification", "phone"]
PERMIT_COLUMNS = ["permit_number", "permit_year", "kind", "site", "valid_from", "valid_until", "status"]
COLUMNS = CONTRACTOR_COLUMNS + PERMIT_COLUMNS
REQUIRED_COLUMNS = {"contractor_number", "name_ar", "classification"}


class RowError(Exception):
    pass


@dataclass
class ImportReport:
    contractors_created: int = 0
    contractors_updated: int = 0
    permits_created: int = 0
    permits_updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.contractors_created + self.contractors_updated + self.permits_created + self.permits_updated


def _choice(value: str, choices, column: str) -> str:
    value = (value or "").strip().lower()
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise RowError(_("%(column)s: unknown value “%(value)s” (allowed: %(allowed)s)") % locals())
    return value


def _date(value: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise RowError(_("%(column)s: “%(value)s” is not a date (YYYY-MM-DD)") % locals()) from None


def _contractor_fields(row: dict) -> tuple[str, dict]:
    number = identifier_normalize(row.get("contractor_number", ""))
    if not number.isdecimal() or len(number) > 20:
        raise RowError(_("contractor_number: digits only, at most 20"))
    name_ar = (row.get("name_ar") or "").strip()
    if not name_ar:
        raise RowError(_("name_ar: required"))
    phone = (row.get("phone") or "").strip()
    if phone:
        try:
            phone = phone_normalise(phone)
        except ValidationError:
            raise RowError(_("phone: “%(phone)s” is not a Jordanian phone number") % {"phone": phone}) from None
    return number, {
        "name_ar": name_ar[:200],
        "name_en": (row.get("name_en") or "").strip()[:200],
        "classification": _choice(row.get("classification", ""), Classification, "classification"),
        "phone": phone,
    }


def _permit_fields(row: dict) -> tuple[str, int, dict] | None:
    if not any((row.get(c) or "").strip() for c in PERMIT_COLUMNS):
        return None
    number = identifier_normalize(row.get("permit_number", ""))
    if not number or len(number) > 20:
        raise RowError(_("permit_number: required, at most 20 characters"))
    year_text = identifier_normalize(row.get("permit_year", ""))
    if not year_text.isdecimal() or not 1990 <= int(year_text) <= 2100:
        raise RowError(_("permit_year: a year between 1990 and 2100"))
    site = (row.get("site") or "").strip()
    if not site:
        raise RowError(_("site: required"))
    valid_from = _date(row.get("valid_from", ""), "valid_from")
    valid_until = _date(row.get("valid_until", ""), "valid_until")
    if valid_until < valid_from:
        raise RowError(_("valid_until is before valid_from"))
    status = (row.get("status") or "").strip() or PermitStatus.ACTIVE
    return (
        number,
        int(year_text),
        {
            "kind": _choice(row.get("kind", ""), PermitKind, "kind"),
            "site": site[:300],
            "valid_from": valid_from,
            "valid_until": valid_until,
            "status": _choice(status, PermitStatus, "status"),
        },
    )


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


def _load_row(row: dict) -> list[str]:
    """Load one row; return what happened to it, e.g. ["contractors_created", "permits_updated"]."""
    number, contractor_values = _contractor_fields(row)
    permit = _permit_fields(row)
    contractor, outcome = _upsert(Contractor, {"number": number}, contractor_values)
    outcomes = [] if outcome == "unchanged" else [f"contractors_{outcome}"]
    if permit is not None:
        permit_number, year, permit_values = permit
        existing = (
            Permit.objects.select_related("contractor")
            .filter(number=permit_number, year=year)
            .exclude(contractor=contractor)
            .first()
        )
        if existing is not None:
            raise RowError(
                _("permit %(permit)s belongs to contractor %(other)s, not %(number)s")
                % {"permit": f"{permit_number}/{year}", "other": existing.contractor.number, "number": number}
            )
        _permit, outcome = _upsert(
            Permit, {"contractor": contractor, "number": permit_number, "year": year}, permit_values
        )
        if outcome != "unchanged":
            outcomes.append(f"permits_{outcome}")
    return outcomes


def register_import(*, lines: Iterable[str]) -> ImportReport:
    """Load contractors and permits from CSV text lines (with a header row)."""
    reader = csv.DictReader(lines)
    header = {(name or "").strip() for name in (reader.fieldnames or [])}
    missing = REQUIRED_COLUMNS - header
    if missing:
        raise ValueError(_("missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))})
    report = ImportReport()
    for row in reader:
        row = {(k or "").strip(): v for k, v in row.items() if k is not None}
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:
            with transaction.atomic():
                outcomes = _load_row(row)
        except RowError as exc:
            report.errors.append((line, str(exc)))
        except IntegrityError as exc:
            report.errors.append((line, _("rejected by the database: %(error)s") % {"error": exc}))
        else:
            for outcome in outcomes:
                setattr(report, outcome, getattr(report, outcome) + 1)
            if not outcomes:
                report.unchanged += 1
    return report
