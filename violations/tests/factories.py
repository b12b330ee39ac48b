"""Vehicles, licences and violations as the Traffic Department's feed would give them."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from violations.constants import Issuer, ViolationStatus
from violations.models import DrivingLicence, FleetVehicle, Vehicle, Violation, licence_key


class VehicleFactory(DjangoModelFactory):
    class Meta:
        model = Vehicle
        django_get_or_create = ("plate_code", "plate_number")

    plate_code = "10"
    plate_number = factory.Sequence(lambda n: str(70000 + n))
    registration_number = factory.Sequence(lambda n: f"{4400000 + n}")


class DrivingLicenceFactory(DjangoModelFactory):
    """An 8-digit licence by default; trait ``old`` is an older number that needs centre and category."""

    class Meta:
        model = DrivingLicence

    number = factory.Sequence(lambda n: f"{10100000 + n}")
    centre = "عمان"
    category = "3"
    key = factory.LazyAttribute(lambda o: licence_key(number=o.number, centre=o.centre, category=o.category))

    class Params:
        old = factory.Trait(number=factory.Sequence(lambda n: f"{500000 + n}"))


class ViolationFactory(DjangoModelFactory):
    """Traits: ``paid`` (at the Traffic Department), ``cancelled``, ``not_payable``, ``on_licence``."""

    class Meta:
        model = Violation

    number = factory.Sequence(lambda n: f"2026{n:07d}")
    vehicle = factory.SubFactory(VehicleFactory)
    licence = None
    offence_code = "1205"
    offence_ar = "الوقوف في مكان ممنوع"
    offence_en = "Parking in a prohibited place"
    article = "38/ب"
    location = "شارع الملكة رانيا"
    issued_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=30, minutes=n))
    amount = Decimal("15.000")
    issuer = Issuer.GAM
    payable = True
    status = ViolationStatus.OPEN

    class Params:
        paid = factory.Trait(status=ViolationStatus.PAID)
        cancelled = factory.Trait(status=ViolationStatus.CANCELLED)
        not_payable = factory.Trait(payable=False)
        on_licence = factory.Trait(vehicle=None, licence=factory.SubFactory(DrivingLicenceFactory))


class FleetVehicleFactory(DjangoModelFactory):
    class Meta:
        model = FleetVehicle

    organisation = factory.SubFactory("accounts.tests.factories.OrganisationFactory")
    plate_code = "10"
    plate_number = factory.Sequence(lambda n: str(80000 + n))
    registration_number = factory.Sequence(lambda n: f"{5500000 + n}")

    @classmethod
    def for_vehicle(cls, vehicle: Vehicle, **kwargs) -> FleetVehicle:
        return cls(
            plate_code=vehicle.plate_code,
            plate_number=vehicle.plate_number,
            registration_number=vehicle.registration_number,
            **kwargs,
        )
