"""Where violations are read from: one interface, so a live Traffic Department client can replace
the local copy without touching forms, views, bills or documents.

Everything in the service reads through :func:`get_source`. ``LocalViolationSource`` answers from
the local copy the feed keeps (``violations.feed``). A live client would implement the same
protocol: ask the partner, upsert what it got into the local tables with the feed's own code (so
violations keep stable primary keys, which bills refer to as ``violation:<pk>``), and return the
local rows. Choose the class with ``settings.VIOLATIONS_SOURCE`` (dotted path).
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from core import sql
from violations.constants import ViolationStatus
from violations.models import DrivingLicence, FleetVehicle, Vehicle, Violation, licence_key

DEFAULT_SOURCE = "violations.sources.LocalViolationSource"


@dataclass(frozen=True)
class FleetFilter:
    fleet_vehicle_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str = ViolationStatus.OPEN  # "" for every status


class ViolationSource(Protocol):
    # True only for a source whose answers are the local tables as they stand: then what a statement shows
    # can be known changed or not from those tables alone (violations.selectors.statement_state). A live
    # client asks the partner on every inquiry, so it says False.
    reads_local_copy: bool

    def vehicle_find(self, *, plate_code: str, plate_number: str, registration_number: str) -> Vehicle | None:
        """The vehicle only if all three match; a wrong plate and a wrong registration are alike."""

    def licence_find(self, *, number: str, centre: str, category: str) -> DrivingLicence | None: ...

    def vehicle_violations(self, *, vehicle: Vehicle) -> list[Violation]:
        """Unpaid and paid violations (not cancelled ones), newest first, with their vehicle loaded."""

    def licence_violations(self, *, licence: DrivingLicence) -> list[Violation]: ...

    def fleet_violations(self, *, organisation, filters: FleetFilter) -> QuerySet[Violation]:
        """Violations of the organisation's fleet vehicles whose registration number matches."""

    def violations_by_pk(self, *, pks: list[int]) -> list[Violation]: ...

    def licence_centres(self) -> list[str]: ...

    def licence_categories(self) -> list[str]: ...


def _shown_of(manager) -> QuerySet[Violation]:
    """Violations shown to people (not cancelled ones), newest first."""
    return manager.exclude(status=ViolationStatus.CANCELLED).order_by("-issued_at", "number")


class LocalViolationSource:
    """Reads the local copy of the partner's data."""

    reads_local_copy = True

    def _shown(self) -> QuerySet[Violation]:
        return _shown_of(Violation.objects).select_related("vehicle", "licence")

    def vehicle_find(self, *, plate_code: str, plate_number: str, registration_number: str) -> Vehicle | None:
        # One query on all three: whether the plate exists is never observable on its own.
        found = sql.select(
            Vehicle,
            "{plate_code} = %s AND {plate_number} = %s AND {registration_number} = %s",
            [plate_code, plate_number, registration_number],
            order="{id}",
            limit=1,
        )
        return found[0] if found else None

    def licence_find(self, *, number: str, centre: str, category: str) -> DrivingLicence | None:
        # One statement written once, on the unique key (as vehicle_find).
        found = sql.select(
            DrivingLicence, "{key} = %s", [licence_key(number=number, centre=centre, category=category)], limit=1
        )
        return found[0] if found else None

    def vehicle_violations(self, *, vehicle: Vehicle) -> list[Violation]:
        # Every inquiry asks this: one statement written once (building the same ORM query was most of
        # the look-up, issue 20); each row is given the vehicle already in hand, not joined and built
        # again. (A row's licence is shown nowhere: loaded only if asked for.)
        shown = sql.select(
            Violation,
            "{vehicle} = %s AND {status} <> %s",
            [vehicle.pk, ViolationStatus.CANCELLED.value],
            order="{issued_at} DESC, {number}",
        )
        for violation in shown:
            violation.vehicle = vehicle
        return shown

    def licence_violations(self, *, licence: DrivingLicence) -> list[Violation]:
        return list(_shown_of(licence.violations).select_related("vehicle"))

    def fleet_violations(self, *, organisation, filters: FleetFilter) -> QuerySet[Violation]:
        fleet = FleetVehicle.objects.filter(
            organisation=organisation,
            plate_code=OuterRef("vehicle__plate_code"),
            plate_number=OuterRef("vehicle__plate_number"),
            registration_number=OuterRef("vehicle__registration_number"),
        )
        if filters.fleet_vehicle_id:
            fleet = fleet.filter(pk=filters.fleet_vehicle_id)
        qs = self._shown().filter(Exists(fleet))
        if filters.status:
            qs = qs.filter(status=filters.status)
        tz = timezone.get_current_timezone()
        if filters.date_from:
            qs = qs.filter(issued_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
        if filters.date_to:
            qs = qs.filter(issued_at__lte=datetime.combine(filters.date_to, time.max, tzinfo=tz))
        return qs

    def violations_by_pk(self, *, pks: list[int]) -> list[Violation]:
        return list(self._shown().filter(pk__in=pks))

    def licence_centres(self) -> list[str]:
        return list(
            DrivingLicence.objects.exclude(centre="").order_by("centre").values_list("centre", flat=True).distinct()
        )

    def licence_categories(self) -> list[str]:
        return list(
            DrivingLicence.objects.exclude(category="")
            .order_by("category")
            .values_list("category", flat=True)
            .distinct()
        )


@cache
def _source_class(path: str):
    return import_string(path)


def get_source() -> ViolationSource:
    return _source_class(getattr(settings, "VIOLATIONS_SOURCE", DEFAULT_SOURCE))()
