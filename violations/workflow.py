"""Every write and every rule of the violations service; views, the API, admin and commands call these.

The service has no application workflow of its own (nothing is applied for): its writes are the
inquiry log, the fleet and the bills. Reads live in ``violations.selectors``, the feed import in
``violations.feed``, documents in ``violations.documents``.
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core import sql
from violations import billing, selectors
from violations.constants import InquiryKind, ViolationStatus
from violations.models import DrivingLicence, FleetVehicle, InquiryLog, Vehicle, Violation
from violations.normalise import clean_digits, vehicle_values
from violations.ratelimits import Guesses
from violations.rows import violations_cells
from violations.selectors import fleet_violations, licence_subject, plate_subject, subject_violations
from violations.sources import FleetFilter, get_source

FLEET_CSV_MAX_LINES = 2000
FLEET_CSV_MAX_BYTES = 256 * 1024


# --- inquiries --------------------------------------------------------------------------------


def _log_values(*, user, organisation, ip: str | None, kind: str, subject: str, matched, count: int = 0) -> dict:
    # By ids: the person is request.user, a lazy object that every check of assigning a related object goes through.
    return {
        "user_id": user.pk if user is not None else None,
        "organisation_id": organisation.pk if organisation is not None else None,
        "ip_address": ip or None,
        "kind": kind,
        "subject_hash": subject,
        "matched": matched,
        "violations_count": count,
    }


def _log(**line) -> None:
    # Every inquiry writes one (core.sql.insert: the ORM's query building was most of the write, issue 20).
    sql.insert(InquiryLog, **_log_values(**line))


def vehicle_inquire(
    *, user, organisation=None, ip: str | None, plate_code: str, plate_number: str, registration_number: str
) -> Vehicle | None:
    """The vehicle if plate and registration number both match, else None (the caller says the same
    thing for a wrong plate and a wrong registration number). Logged with the plate hashed."""
    vehicle = get_source().vehicle_find(
        **vehicle_values(plate_code=plate_code, plate_number=plate_number, registration_number=registration_number)
    )
    _log(
        user=user,
        organisation=organisation,
        ip=ip,
        kind=InquiryKind.VEHICLE,
        subject=plate_subject(plate_code=plate_code, plate_number=plate_number),
        matched=vehicle is not None,
    )
    return vehicle


def inquiry_log_clause(*, user, organisation=None, ip: str | None, kind: str, subject: str) -> tuple[str, list] | None:
    """The log line of an inquiry whose look-up goes to the database in the same statement as its statement's state
    (selectors.statement_state_find_query's ``also``): a WITH clause writing the line, whether it matched worked out
    there from the look-up's own row (``found``). The look-up, its log line and the state then take one statement
    and one commit (issue 20): the line is stored when the answer to the look-up comes back, and a look-up whose
    statement fails (nothing shown) writes none. None when something listens to the log's saves: the caller logs
    with :func:`inquiry_log_after` (ORM) instead."""
    if not sql.unobserved(InquiryLog):
        return None
    matched = RawSQL(selectors.FOUND_ANY, [], output_field=BooleanField())  # noqa: S611 (no value in it)
    statement, values = sql.insert_statement(
        InquiryLog,
        **_log_values(user=user, organisation=organisation, ip=ip, kind=kind, subject=subject, matched=matched),
    )
    return f"logged AS ({statement})", values


def inquiry_log_after(*, user, organisation=None, ip: str | None, kind: str, subject: str, matched: bool) -> None:
    """The log line of an inquiry when :func:`inquiry_log_clause` cannot write it (its saves are listened to)."""
    _log(user=user, organisation=organisation, ip=ip, kind=kind, subject=subject, matched=matched)


def licence_inquire(
    *, user, organisation=None, ip: str | None, number: str, centre: str = "", category: str = ""
) -> DrivingLicence | None:
    licence = get_source().licence_find(number=number, centre=centre, category=category)
    _log(
        user=user,
        organisation=organisation,
        ip=ip,
        kind=InquiryKind.LICENCE,
        subject=licence_subject(number=number),
        matched=licence is not None,
    )
    return licence


# --- the statement (كشف المخالفات) ----------------------------------------------------------


_VIOLATION_VALUES = tuple(f.attname for f in Violation._meta.concrete_fields)


@dataclass
class Statement:
    title: str
    violations: list[Violation]
    bills: billing.StatementBills = field(default_factory=billing.StatementBills)
    # A vehicle's statement: its title names the plate, so the PDF has no plate column repeating it on every row.
    vehicle: Vehicle | None = None

    @cached_property
    def unpaid(self) -> list[Violation]:
        return [v for v in self.violations if v.status != ViolationStatus.PAID]

    @cached_property
    def paid(self) -> list[Violation]:
        return [v for v in self.violations if v.status == ViolationStatus.PAID]

    @property
    def count(self) -> int:
        return len(self.unpaid)

    @property
    def total(self) -> Decimal:
        return sum((v.amount for v in self.unpaid), Decimal("0.000"))

    @property
    def payable_count(self) -> int:
        return len(self.bills.per_violation)

    @property
    def payable_total(self) -> Decimal:
        return sum((v.amount for v in self.unpaid if v.pk in self.bills.per_violation), Decimal("0.000"))

    def billing_number(self, violation: Violation) -> str | None:
        return self.bills.per_violation.get(violation.pk)

    @property
    def shows_plates(self) -> bool:
        """Whether the PDF's table has a plate column: not on a vehicle's statement (its title names the plate)."""
        return self.vehicle is None

    @property
    def unpaid_rows(self) -> list[tuple[Violation, str | None]]:
        return [(v, self.billing_number(v)) for v in self.unpaid]

    @property
    def paid_rows(self) -> list[tuple[Violation, None]]:
        return [(v, None) for v in self.paid]

    # The page's rows (violations.rows): plain values, with each unpaid violation's e-payment number.
    @cached_property
    def unpaid_cells(self) -> list[dict]:
        return violations_cells(self.unpaid, self.bills.per_violation)

    @cached_property
    def paid_cells(self) -> list[dict]:
        return violations_cells(self.paid)

    @cached_property
    def page_key(self) -> str:
        """A digest of everything the statement page shows, in the active language: its rendered tables
        are kept under this key, so a statement is laid out once per state and language and any change (a
        violation paid, cancelled or added, a new e-payment number) is a new key.

        Made of what the rows are made from, not of the rows: every stored value of every violation
        shown (whatever a row reads, now or later), its vehicle's plate and its e-payment number. Building
        the rows' texts only to digest them cost more than the rest of a statement shown again (issue 20)."""
        numbers = self.bills.per_violation
        shown = [
            (
                *(getattr(v, name) for name in _VIOLATION_VALUES),
                v.vehicle.plate if v.vehicle_id else None,
                numbers.get(v.pk),
            )
            for v in self.violations
        ]
        return hashlib.sha256(repr((get_language(), self.title, self.bills.all, shown)).encode()).hexdigest()

    @property
    def paid_billing_numbers(self) -> list[str]:
        return sorted({v.paid_billing_number for v in self.paid if v.paid_billing_number})


def statement_for_subject(
    *, subject: dict, payer, payer_name: str, organisation=None, found: Vehicle | DrivingLicence | None = None
) -> Statement | None:
    """The statement for what the session proved (a vehicle or a licence), with e-payment numbers
    (made on first showing, hence a write). None when the vehicle or licence is gone. ``found``: the
    vehicle or licence an inquiry has just read."""
    shown = subject_violations(subject=subject, found=found)
    if shown is None:
        return None
    bills = billing.statement_bills(
        violations=shown.violations,
        payer=payer,
        payer_name=payer_name,
        organisation=organisation,
        title_ar=shown.title_ar,
        title_en=shown.title_en,
    )
    return Statement(title=shown.title, violations=shown.violations, bills=bills, vehicle=shown.vehicle)


# --- fleet (business accounts) ---------------------------------------------------------------


def _fleet_values(*, plate_code: str, plate_number: str, registration_number: str) -> dict:
    values = vehicle_values(plate_code=plate_code, plate_number=plate_number, registration_number=registration_number)
    errors = {}
    if not (values["plate_code"].isdecimal() and 1 <= len(values["plate_code"]) <= 3):
        errors["plate_code"] = _("Enter the plate code: 1 to 3 digits, e.g. 10.")
    if not (values["plate_number"].isdecimal() and 1 <= len(values["plate_number"]) <= 8):
        errors["plate_number"] = _("Enter the plate number: up to 8 digits, e.g. 79210.")
    reg = values["registration_number"]
    if not (reg and len(reg) <= 20 and reg.replace("-", "").isalnum() and reg.isascii()):
        errors["registration_number"] = _("Enter the vehicle registration number as printed on the vehicle licence.")
    if errors:
        raise ValidationError(errors)
    return values


def fleet_vehicle_add(
    *,
    organisation,
    user,
    ip: str | None = None,
    plate_code: str,
    plate_number: str,
    registration_number: str,
    label: str = "",
    guesses: Guesses | None = None,
) -> FleetVehicle:
    """Add a vehicle to the fleet. With ``guesses`` (a request's), a wrong registration number counts as
    a guess at the plate like an inquiry, and used-up guesses refuse the vehicle (ValidationError)."""
    values = _fleet_values(plate_code=plate_code, plate_number=plate_number, registration_number=registration_number)
    subject = plate_subject(plate_code=values["plate_code"], plate_number=values["plate_number"])
    if guesses is not None:
        guesses.check(subject)
    try:
        with transaction.atomic():
            vehicle = FleetVehicle.objects.create(
                organisation=organisation, added_by=user, label=label.strip()[:100], **values
            )
    except IntegrityError:
        raise ValidationError(
            {
                "plate_number": _("Vehicle %(plate)s is already in your fleet.")
                % {"plate": f"{values['plate_code']}-{values['plate_number']}"}
            }
        ) from None
    matched = get_source().vehicle_find(**values) is not None
    _log(user=user, organisation=organisation, ip=ip, kind=InquiryKind.FLEET_VEHICLE, subject=subject, matched=matched)
    if guesses is not None and not matched:
        guesses.failed(subject)
    return vehicle


def fleet_vehicle_remove(*, organisation, fleet_vehicle_id: int) -> bool:
    """Remove a vehicle from the organisation's fleet; False if it is not in this fleet."""
    deleted, _per_model = FleetVehicle.objects.filter(organisation=organisation, pk=fleet_vehicle_id).delete()
    return deleted > 0


@dataclass
class FleetCsvResult:
    added: list[FleetVehicle] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def _first_error(exc: ValidationError) -> str:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    return " ".join(m for msgs in messages.values() for m in msgs)


def fleet_csv_import(
    *, organisation, user, ip: str | None = None, data: bytes, guesses: Guesses | None = None
) -> FleetCsvResult:
    """Add vehicles from a CSV (plate_code, plate_number, registration_number[, label]), one a line,
    an optional header line. Bad lines are reported with their number; good ones are added."""
    if len(data) > FLEET_CSV_MAX_BYTES:
        raise ValidationError(_("The file is larger than %(size)s KB.") % {"size": FLEET_CSV_MAX_BYTES // 1024})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not a CSV text file (UTF-8).")) from None
    if "\x00" in text:
        raise ValidationError(_("The file is not a CSV text file (UTF-8)."))
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if len(lines) > FLEET_CSV_MAX_LINES + 1:
        raise ValidationError(
            ngettext("The file has more than %(n)s line.", "The file has more than %(n)s lines.", FLEET_CSV_MAX_LINES)
            % {"n": FLEET_CSV_MAX_LINES}
        )
    result = FleetCsvResult()
    for number, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and not clean_digits(cells[0]).isdecimal():
            continue  # a header line
        if len(cells) not in (3, 4):
            result.errors.append(
                (number, _("expected 3 or 4 fields (plate code, plate number, registration number, label)"))
            )
            continue
        try:
            result.added.append(
                fleet_vehicle_add(
                    organisation=organisation,
                    user=user,
                    ip=ip,
                    plate_code=cells[0],
                    plate_number=cells[1],
                    registration_number=cells[2],
                    label=cells[3] if len(cells) == 4 else "",
                    guesses=guesses,
                )
            )
        except ValidationError as exc:
            result.errors.append((number, _first_error(exc)))
    return result


def fleet_bill_create(*, organisation, user, payer_name: str, violation_ids: list[int]):
    """One bill for the selected violations of the organisation's fleet. Ids outside the fleet, or
    violations no longer payable, are refused with a translated ValidationError."""
    allowed = {
        v.pk: v
        for v in fleet_violations(organisation=organisation, filters=FleetFilter(status="")).filter(
            pk__in=violation_ids
        )
    }
    if not violation_ids:
        raise ValidationError(_("Select at least one violation."))
    if set(violation_ids) - set(allowed):
        raise ValidationError(_("Some selected violations are not in your fleet's statement."))
    not_payable = [v.number for v in allowed.values() if not v.is_payable_now]
    if not_payable:
        raise ValidationError(
            _("These violations cannot be paid online: %(numbers)s") % {"numbers": ", ".join(sorted(not_payable))}
        )
    violations = sorted(allowed.values(), key=lambda v: (v.issued_at, v.number))
    return billing.selection_bill(violations=violations, payer=user, payer_name=payer_name, organisation=organisation)
