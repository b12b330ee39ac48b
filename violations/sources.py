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
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

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


_FIELDS = [f for f in Violation._meta.concrete_fields]
_OF_VEHICLE_SQL = (
    "SELECT {columns} FROM {table} WHERE {vehicle} = %s AND {status} <> %s ORDER BY {issued_at} DESC, {number}".format(  # noqa: S608 (names from the model; values bound)
        columns=", ".join(f.column for f in _FIELDS),
        table=Violation._meta.db_table,
        vehicle=Violation._meta.get_field("vehicle").column,
        status=Violation._meta.get_field("status").column,
        issued_at=Violation._meta.get_field("issued_at").column,
        number=Violation._meta.get_field("number").column,
    )
)


def _of_vehicle(vehicle_pk: int) -> list[Violation]:
    """What ``_shown_of(Violation.objects.filter(vehicle=…))`` answers, the same rows as model instances."""
    names = [f.attname for f in _FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_OF_VEHICLE_SQL, [vehicle_pk, ViolationStatus.CANCELLED.value])
        rows = cursor.fetchall()
    converters = _converters(connection.vendor)
    shown = []
    for row in rows:
        if converters:
            row = list(row)
            for i, column, convert in converters:
                row[i] = convert(row[i], column, connection)
        shown.append(Violation.from_db(connection.alias, names, row))
    return shown


@cache
def _converters(vendor: str) -> list:
    """The database's and the fields' own value converters, as the ORM applies them (SQLite keeps dates
    and amounts as text; PostgreSQL needs none)."""
    found = []
    for i, field in enumerate(_FIELDS):
        column = field.get_col(Violation._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            found.append((i, column, convert))
    return found


class LocalViolationSource:
    """Reads the local copy of the partner's data."""

    def _shown(self) -> QuerySet[Violation]:
        return _shown_of(Violation.objects).select_related("vehicle", "licence")

    def vehicle_find(self, *, plate_code: str, plate_number: str, registration_number: str) -> Vehicle | None:
        # One query on all three: whether the plate exists is never observable on its own.
        return Vehicle.objects.filter(
            plate_code=plate_code, plate_number=plate_number, registration_number=registration_number
        ).first()

    def licence_find(self, *, number: str, centre: str, category: str) -> DrivingLicence | None:
        return DrivingLicence.objects.filter(key=licence_key(number=number, centre=centre, category=category)).first()

    def vehicle_violations(self, *, vehicle: Vehicle) -> list[Violation]:
        # Every inquiry asks this: one statement written once (building the same ORM query was most of
        # the look-up, issue 20); each row is given the vehicle already in hand, not joined and built
        # again. (A row's licence is shown nowhere: loaded only if asked for.)
        shown = _of_vehicle(vehicle.pk)
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
