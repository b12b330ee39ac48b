"""Reads worth naming. Violations themselves are read through ``violations.sources``; this module
never imports the workflow (the workflow reads through it)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from payments.constants import BillStatus
from payments.models import Bill
from violations.constants import InquiryKind, ViolationStatus, item_key_pk
from violations.models import DrivingLicence, FleetVehicle, InquiryLog, Vehicle, Violation
from violations.normalise import clean_plate_part, clean_registration, ltr_isolate, subject_hash
from violations.sources import FleetFilter, get_source

_CHOICES_KEY = "violations:licence-choices:v1"
_CHOICES_SECONDS = 3600


def licence_choices() -> tuple[list[str], list[str]]:
    """Licence centres and categories as the partner's data has them (cached: the inquiry form needs
    them on every view, and they change only with a feed import, which forgets them)."""
    choices = cache.get(_CHOICES_KEY)
    if choices is None:
        source = get_source()
        choices = (source.licence_centres(), source.licence_categories())
        cache.set(_CHOICES_KEY, choices, _CHOICES_SECONDS)
    return choices


def licence_choices_forget() -> None:
    cache.delete(_CHOICES_KEY)


# --- inquiries --------------------------------------------------------------------------------


def plate_subject(*, plate_code: str, plate_number: str) -> str:
    """The keyed hash of a plate: what the inquiry log keeps and the per-plate rate limit counts."""
    return subject_hash(InquiryKind.VEHICLE, f"{clean_plate_part(plate_code)}-{clean_plate_part(plate_number)}")


def licence_subject(*, number: str) -> str:
    return subject_hash(InquiryKind.LICENCE, number)


def subject_proven(*, user, subject: str) -> bool:
    """Did ``user`` ever look up (or add to a fleet) this plate or licence with the right number?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return InquiryLog.objects.filter(user=user, subject_hash=subject, matched=True).exists()


# --- the statement (كشف المخالفات) ----------------------------------------------------------


@dataclass(frozen=True)
class SubjectViolations:
    """What a statement shows for the vehicle or licence an inquiry proved, before its bills."""

    title: str
    title_ar: str  # the bill's description, in both languages whatever the page's language
    title_en: str
    violations: list[Violation]
    vehicle: Vehicle | None = None  # a vehicle's statement: the vehicle of every violation it shows


def subject_violations(*, subject: dict, found: Vehicle | DrivingLicence | None = None) -> SubjectViolations | None:
    """The violations of what the session proved (``{"kind": "vehicle"|"licence", "id": pk}``, as
    the inquiry stored it); None when the vehicle or licence is gone from the partner's data.
    ``found``: the vehicle or licence the inquiry has just read (not read again)."""
    source = get_source()
    if subject.get("kind") == InquiryKind.VEHICLE:
        vehicle = found if isinstance(found, Vehicle) else Vehicle.objects.filter(pk=subject.get("id")).first()
        if vehicle is None:
            return None
        return SubjectViolations(
            title=_("Vehicle %(plate)s") % {"plate": ltr_isolate(vehicle.plate)},
            title_ar=f"مخالفات المركبة {vehicle.plate}",
            title_en=f"Violations of vehicle {vehicle.plate}",
            violations=source.vehicle_violations(vehicle=vehicle),
            vehicle=vehicle,
        )
    if subject.get("kind") == InquiryKind.LICENCE:
        licence = (
            found if isinstance(found, DrivingLicence) else DrivingLicence.objects.filter(pk=subject.get("id")).first()
        )
        if licence is None:
            return None
        return SubjectViolations(
            title=_("Driving licence %(number)s") % {"number": ltr_isolate(licence.number)},
            title_ar=f"مخالفات الرخصة {licence.number}",
            title_en=f"Violations of driving licence {licence.number}",
            violations=source.licence_violations(licence=licence),
        )
    return None


# --- payment notice ---------------------------------------------------------------------------


def paid_violations(*, billing_number: str) -> list[Violation]:
    if not (billing_number.isdecimal() and len(billing_number) == 13):
        return []
    return list(
        Violation.objects.filter(paid_billing_number=billing_number, status=ViolationStatus.PAID)
        .select_related("vehicle", "licence")
        .order_by("issued_at", "number")
    )


def notice_allowed(*, violations: list[Violation], party, subject: dict) -> bool:
    """Who may have the notice: whoever proved the vehicle or licence in this session, the payer the
    bill was made for, or an organisation whose fleet holds the vehicle (with a matching registration)."""
    kind, subject_id = subject.get("kind"), subject.get("id")
    for violation in violations:
        if kind == InquiryKind.VEHICLE and violation.vehicle_id == subject_id:
            return True
        if kind == InquiryKind.LICENCE and violation.licence_id == subject_id:
            return True
    bill = Bill.objects.filter(billing_number=violations[0].paid_billing_number, status=BillStatus.PAID).first()
    if bill is not None:
        if party.organisation is not None and bill.organisation_id == party.organisation.pk:
            return True
        if party.organisation is None and bill.organisation_id is None and bill.payer_id == party.user.pk:
            return True
    if party.organisation is not None:
        plates = Q()
        for v in violations:
            if v.vehicle_id:
                plates |= Q(
                    plate_code=v.vehicle.plate_code,
                    plate_number=v.vehicle.plate_number,
                    registration_number=v.vehicle.registration_number,
                )
        if plates and FleetVehicle.objects.filter(plates, organisation=party.organisation).exists():
            return True
    return False


# --- fleet (business accounts) ---------------------------------------------------------------


def fleet_vehicles(*, organisation) -> QuerySet[FleetVehicle]:
    return FleetVehicle.objects.filter(organisation=organisation)


def fleet_violations(*, organisation, filters: FleetFilter) -> QuerySet[Violation]:
    return get_source().fleet_violations(organisation=organisation, filters=filters)


@dataclass(frozen=True)
class FleetTotals:
    """What the fleet page says above its table, for the same filters as the table.

    ``status`` is the status the table was filtered by ("open", "paid", or "" for all); the page
    sums only what the table lists, so a summary never contradicts the rows below it."""

    status: str
    unpaid_count: int
    unpaid_total: Decimal
    payable_count: int
    paid_count: int
    paid_total: Decimal

    @property
    def shows_unpaid(self) -> bool:
        return self.status in (ViolationStatus.OPEN, "")

    @property
    def shows_paid(self) -> bool:
        return self.status in (ViolationStatus.PAID, "")


def fleet_totals(violations: QuerySet[Violation], *, status: str) -> FleetTotals:
    """Counts and totals of the table's violations (already filtered by ``status``): unpaid, how many
    of those can be paid online, and paid."""
    open_, paid = Q(status=ViolationStatus.OPEN), Q(status=ViolationStatus.PAID)
    sums = violations.aggregate(
        unpaid_count=Count("pk", filter=open_),
        unpaid_total=Sum("amount", filter=open_, default=Decimal("0.000")),
        payable_count=Count("pk", filter=open_ & Q(payable=True)),
        paid_count=Count("pk", filter=paid),
        paid_total=Sum("amount", filter=paid, default=Decimal("0.000")),
    )
    return FleetTotals(status=status, **sums)


def bill_violations(bill: Bill) -> list[Violation]:
    """The violations a bill covers, oldest first, with their vehicles."""
    pks = [pk for pk in (item_key_pk(k) for k in bill.lines.values_list("item_key", flat=True)) if pk is not None]
    return list(Violation.objects.filter(pk__in=pks).select_related("vehicle").order_by("issued_at"))


def vehicle_in_register(*, plate_code: str, plate_number: str, registration_number: str) -> bool:
    """Whether the Traffic Department's register (as the portal holds it) has this plate with this
    registration number: what other services check a vehicle against (services.registers)."""
    vehicle = get_source().vehicle_find(
        plate_code=clean_plate_part(plate_code),
        plate_number=clean_plate_part(plate_number),
        registration_number=clean_registration(registration_number),
    )
    return vehicle is not None
