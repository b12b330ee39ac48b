"""The Traffic Department's violations feed (CSV, format fixed in DESIGN.md) into the local copy.

``feed_import`` is the one entry point (management command ``import_violations`` and the admin
both call it). It is idempotent: a row equal to what is stored changes nothing, so re-importing a
file leaves every row untouched. A bad row is reported with its line number and skipped; good rows
load. A row that makes an open violation paid, cancelled, not payable online or of another amount
closes the open bills that cover it (payments rule 5: an open bill never changes amount).

Each row is checked by ``violations.forms.FeedRowForm`` (``core.rows.row_clean``), but the good rows
load in bulk, ``CHUNK`` to a transaction, not through ``core.rows.rows_import``'s savepoint per row:
a national feed has hundreds of thousands of rows.
"""

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rows import ImportReport, RowError, row_clean
from violations import billing
from violations.constants import ViolationStatus
from violations.forms import FeedRowForm
from violations.models import DrivingLicence, FeedImport, Vehicle, Violation, licence_key
from violations.selectors import licence_choices_forget

COLUMNS = (
    "violation_number",
    "plate_code",
    "plate_number",
    "registration_number",
    "licence_number",
    "licence_centre",
    "licence_category",
    "offence_code",
    "offence_ar",
    "offence_en",
    "article",
    "location",
    "issued_at",
    "amount",
    "issuer",
    "payable",
    "status",
)
CHUNK = 2000
# Feed fields copied to Violation as they are (after parsing); what "unchanged" compares.
_FIELDS = (
    "offence_code",
    "offence_ar",
    "offence_en",
    "article",
    "location",
    "issued_at",
    "amount",
    "issuer",
    "payable",
    "status",
)
# Serialises imports on PostgreSQL so two runs cannot both create the same vehicle.
_ADVISORY_LOCK = 74_210_006


class FeedFileError(Exception):
    """The file as a whole cannot be read (not UTF-8 text, missing columns)."""


class LineError(NamedTuple):
    """A bad row: the line it starts on and why (a ``(line, reason)`` pair, as core.rows reports)."""

    line: int
    reason: str

    def __str__(self):
        return _("line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class FeedRow:
    line: int
    number: str
    plate_code: str
    plate_number: str
    registration_number: str
    licence_number: str
    licence_centre: str
    licence_category: str
    values: dict


@dataclass
class FeedResult(ImportReport):
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_paid: int = 0
    bills_closed: int = 0
    errors: list[LineError] = field(default_factory=list)
    record: FeedImport | None = None


def _parse_row(line: int, raw: dict) -> FeedRow:
    """One CSV row to a FeedRow, or RowError with the (translated) reasons, column by column."""
    data = row_clean(FeedRowForm, raw)
    licence_number = data["licence_number"]
    return FeedRow(
        line=line,
        number=data["violation_number"],
        plate_code=data["plate_code"],
        plate_number=data["plate_number"],
        registration_number=data["registration_number"] if data["plate_code"] else "",
        licence_number=licence_number,
        licence_centre=data["licence_centre"] if licence_number else "",
        licence_category=data["licence_category"] if licence_number else "",
        values={name: data[name] for name in _FIELDS},
    )


def feed_parse(*, data: bytes) -> tuple[list[FeedRow], list[LineError]]:
    """Parse the whole file; raise FeedFileError if it cannot be read at all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedFileError(_("The file is not UTF-8 text.")) from None
    if "\x00" in text:
        raise FeedFileError(_("The file is not a CSV text file."))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FeedFileError(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    reader.fieldnames = header

    rows: list[FeedRow] = []
    errors: list[LineError] = []
    line = reader.line_num
    for raw in reader:
        # The physical line the row starts on (quoted fields may span lines).
        start, line = line + 1, reader.line_num
        if not any((v or "").strip() for k, v in raw.items() if k):
            continue
        if None in raw:
            errors.append(LineError(start, _("more fields than columns")))
            continue
        try:
            rows.append(_parse_row(start, raw))
        except RowError as exc:
            errors.append(LineError(start, str(exc)))
    return rows, errors


def _latest_by_number(rows: Iterable[FeedRow]) -> list[FeedRow]:
    """A later row for the same violation number replaces an earlier one (DESIGN.md)."""
    latest: dict[str, FeedRow] = {}
    for row in rows:
        latest.pop(row.number, None)
        latest[row.number] = row
    return list(latest.values())


def _vehicles_for(rows: list[FeedRow]) -> dict[tuple[str, str], Vehicle]:
    wanted: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.plate_code:
            wanted[(row.plate_code, row.plate_number)] = row.registration_number  # last row wins
    if not wanted:
        return {}
    found = {
        (v.plate_code, v.plate_number): v
        for v in Vehicle.objects.filter(
            plate_number__in={n for _c, n in wanted}, plate_code__in={c for c, _n in wanted}
        )
        if (v.plate_code, v.plate_number) in wanted
    }
    changed = []
    for plate, vehicle in found.items():
        if vehicle.registration_number != wanted[plate]:
            vehicle.registration_number = wanted[plate]
            vehicle.updated_at = timezone.now()
            changed.append(vehicle)
    if changed:
        Vehicle.objects.bulk_update(changed, ["registration_number", "updated_at"])
    new = [
        Vehicle(plate_code=c, plate_number=n, registration_number=reg)
        for (c, n), reg in wanted.items()
        if (c, n) not in found
    ]
    if new:
        Vehicle.objects.bulk_create(new)
        found.update(
            {
                (v.plate_code, v.plate_number): v
                for v in Vehicle.objects.filter(
                    plate_number__in={v.plate_number for v in new}, plate_code__in={v.plate_code for v in new}
                )
            }
        )
    return found


def _licences_for(rows: list[FeedRow]) -> dict[str, DrivingLicence]:
    wanted: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        if row.licence_number:
            key = licence_key(number=row.licence_number, centre=row.licence_centre, category=row.licence_category)
            wanted[key] = (row.licence_number, row.licence_centre, row.licence_category)
    if not wanted:
        return {}
    found = {lic.key: lic for lic in DrivingLicence.objects.filter(key__in=wanted)}
    changed = []
    for key, lic in found.items():
        # An 8-digit licence may move centre or category; the latest row says where it is now.
        number, centre, category = wanted[key]
        if (lic.centre, lic.category) != (centre, category):
            lic.centre, lic.category, lic.updated_at = centre, category, timezone.now()
            changed.append(lic)
    if changed:
        DrivingLicence.objects.bulk_update(changed, ["centre", "category", "updated_at"])
    new = [DrivingLicence(key=k, number=n, centre=c, category=g) for k, (n, c, g) in wanted.items() if k not in found]
    if new:
        DrivingLicence.objects.bulk_create(new)
        found.update({lic.key: lic for lic in DrivingLicence.objects.filter(key__in=[n.key for n in new])})
    return found


def _closes_bills(old: Violation, new_values: dict) -> bool:
    """Whether a change makes the open bills covering ``old`` wrong."""
    if not (old.status == ViolationStatus.OPEN and old.payable):
        return False
    return (
        new_values["status"] != ViolationStatus.OPEN or not new_values["payable"] or new_values["amount"] != old.amount
    )


def _apply_chunk(rows: list[FeedRow], result: FeedResult) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
    vehicles = _vehicles_for(rows)
    licences = _licences_for(rows)
    # Locked in the order of their keys, as the statement's bills and a payment lock violations (no deadlock).
    locked = Violation.objects.select_for_update().filter(number__in=[r.number for r in rows]).order_by("pk")
    existing = {v.number: v for v in locked}
    now = timezone.now()
    to_create, to_update, to_close = [], [], []
    for row in rows:
        vehicle = vehicles.get((row.plate_code, row.plate_number)) if row.plate_code else None
        licence = (
            licences[licence_key(number=row.licence_number, centre=row.licence_centre, category=row.licence_category)]
            if row.licence_number
            else None
        )
        values = dict(row.values)
        old = existing.get(row.number)
        if old is None:
            to_create.append(Violation(number=row.number, vehicle=vehicle, licence=licence, **values))
            continue
        if old.paid_billing_number and values["status"] != ViolationStatus.CANCELLED:
            # Paid through the portal: the money has moved, whatever a lagging feed still says.
            if values["status"] == ViolationStatus.OPEN:
                result.kept_paid += 1
            values.update(status=old.status, amount=old.amount, payable=old.payable)
        close = _closes_bills(old, values)
        changed = old.vehicle_id != (vehicle.pk if vehicle else None) or old.licence_id != (
            licence.pk if licence else None
        )
        for name, value in values.items():
            if getattr(old, name) != value:
                setattr(old, name, value)
                changed = True
        if not changed:
            result.unchanged += 1
            continue
        old.vehicle, old.licence, old.updated_at = vehicle, licence, now
        to_update.append(old)
        if close:
            to_close.append(old)
    if to_create:
        Violation.objects.bulk_create(to_create)
    if to_update:
        Violation.objects.bulk_update(to_update, [*_FIELDS, "vehicle", "licence", "updated_at"])
    for violation in to_close:
        result.bills_closed += billing.bills_close_for_violation(
            violation=violation,
            reason=_("Traffic Department feed: violation %(number)s changed") % {"number": violation.number},
        )
    result.created += len(to_create)
    result.updated += len(to_update)


def feed_import(*, data: bytes, file_name: str, actor=None) -> FeedResult:
    """Load a feed file into the local copy. Raises FeedFileError if the file cannot be read."""
    rows, errors = feed_parse(data=data)
    result = FeedResult(rows=len(rows), errors=errors)
    latest = _latest_by_number(rows)
    for start in range(0, len(latest), CHUNK):
        with transaction.atomic():
            _apply_chunk(latest[start : start + CHUNK], result)
    licence_choices_forget()
    result.record = FeedImport.objects.create(
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        imported_by=actor,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        bills_closed=result.bills_closed,
        errors=[{"line": e.line, "reason": e.reason} for e in errors],
    )
    return result
