"""The data a load run works on: users who can sign in, vehicles and licences with violations, and
open bills (e-payment numbers) to be pulled and paid."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

PASSWORD = "Load-test-passw0rd"  # a throwaway database's users


@dataclass
class Target:
    """A bill eFAWATEERcom will be asked about and paid (each paid exactly once)."""

    billing_number: str
    amount: Decimal
    service_type: str


@dataclass
class Seeded:
    logins: list[str] = field(default_factory=list)  # national numbers, password PASSWORD
    vehicles: list[tuple[str, str, str]] = field(default_factory=list)  # plate code, number, registration
    licences: list[str] = field(default_factory=list)  # 8-digit numbers
    targets: list[Target] = field(default_factory=list)  # open bills, none sharing a violation
    service_slugs: list[str] = field(default_factory=list)


def seed(*, users: int, vehicles: int, violations_per_vehicle: int = 3, rng: random.Random) -> Seeded:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from payments.models import Bill
    from services.models import Service
    from violations import billing
    from violations.constants import Issuer, ViolationStatus
    from violations.models import DrivingLicence, Vehicle, Violation, licence_key

    out = Seeded()
    password = make_password(PASSWORD)  # hashed once: the same throwaway password for everyone
    people = User.objects.bulk_create(
        User(
            username=f"load{n}",
            password=password,
            national_id=f"9{n:09d}",
            mobile=f"+96279{n:07d}",
            mobile_verified=True,
            full_name_ar=f"مستخدم اختبار {n}",
            full_name_en=f"Load user {n}",
        )
        for n in range(users)
    )
    out.logins = [p.national_id for p in people]

    now = timezone.now()
    cars = Vehicle.objects.bulk_create(
        Vehicle(plate_code=str(10 + n % 40), plate_number=str(100000 + n), registration_number=f"R{7000000 + n}")
        for n in range(vehicles)
    )
    licences = DrivingLicence.objects.bulk_create(
        DrivingLicence(number=f"{60000000 + n}", key=licence_key(number=f"{60000000 + n}"))
        for n in range(max(1, vehicles // 4))
    )
    # Half the vehicles (and the licences) are inquired about on the website; the other half have their
    # bills issued now and paid by eFAWATEERcom during the run: either the one bill for all of a
    # vehicle's violations, or each violation's own bill, never both (paying one closes the other).
    half = len(cars) // 2
    rows = []
    for i, car in enumerate(cars):
        for k in range(violations_per_vehicle):
            rows.append(
                Violation(
                    number=f"L{i:06d}{k:02d}",
                    vehicle=car,
                    licence=licences[i % len(licences)] if k == 0 and i < half else None,
                    offence_code="1205",
                    offence_ar="الوقوف في مكان ممنوع",
                    offence_en="Parking in a prohibited place",
                    article="38/ب",
                    location="شارع الملكة رانيا",
                    issued_at=now - timedelta(days=10 + k, minutes=i),
                    amount=Decimal(rng.choice(["15.000", "20.000", "25.500", "50.000"])),
                    issuer=Issuer.GAM,
                    payable=True,
                    status=ViolationStatus.OPEN,
                )
            )
    Violation.objects.bulk_create(rows, batch_size=1000)

    out.vehicles = [(c.plate_code, c.plate_number, c.registration_number) for c in cars[:half]]
    out.licences = [lic.number for lic in licences]
    for n, car in enumerate(cars[half:]):
        payer = people[n % len(people)]
        violations = list(Violation.objects.filter(vehicle=car).order_by("pk"))
        bills = billing.statement_bills(
            violations=violations,
            payer=payer,
            payer_name=payer.full_name_ar,
            title_ar=f"مخالفات المركبة {car.plate}",
            title_en=f"Violations of vehicle {car.plate}",
        )
        numbers = [bills.all] if n % 2 == 0 else sorted(set(bills.per_violation.values()))
        for number in numbers:
            bill = Bill.objects.get(billing_number=number)
            out.targets.append(Target(bill.billing_number, bill.amount, bill.service_type))
    rng.shuffle(out.targets)
    out.service_slugs = list(Service.objects.filter(is_active=True).values_list("slug", flat=True))
    return out
