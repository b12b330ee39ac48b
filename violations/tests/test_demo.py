import io

import pytest

from accounts import demo as accounts_demo
from services.models import Service
from violations import demo
from violations.models import FeedImport, FleetVehicle, Vehicle, Violation
from violations.sources import FleetFilter, get_source

pytestmark = pytest.mark.django_db


def test_demo_feed_is_valid_and_loading_it_twice_changes_nothing():
    accounts_demo.load(stdout=io.StringIO())
    Service.objects.update_or_create(
        slug="traffic-violations", defaults={"kind": "inquiry", "name_ar": "مخالفات", "description_ar": "."}
    )
    demo.load(stdout=io.StringIO())
    snapshot = sorted(Violation.objects.values_list("number", "status", "amount", "updated_at"))
    fleet = FleetVehicle.objects.count()

    demo.load(stdout=io.StringIO())

    assert FeedImport.objects.count() == 1 and FeedImport.objects.get().errors == []
    assert sorted(Violation.objects.values_list("number", "status", "amount", "updated_at")) == snapshot
    assert FleetVehicle.objects.count() == fleet == len(demo.FLEET)
    assert Service.objects.get(slug="traffic-violations").start_url_name == "violations:inquiry"


def test_demo_citizen_vehicle_and_fleet_have_violations_to_show():
    accounts_demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    code, number, registration = demo.CITIZEN_VEHICLE
    vehicle = get_source().vehicle_find(plate_code=code, plate_number=number, registration_number=registration)
    shown = get_source().vehicle_violations(vehicle=vehicle)
    assert {v.status for v in shown} == {"open", "paid"}
    assert any(not v.payable for v in shown)
    assert Vehicle.objects.get(plate_number=number).plate == "10-79210"
    organisation = FleetVehicle.objects.first().organisation
    fleet = get_source().fleet_violations(organisation=organisation, filters=FleetFilter())
    assert fleet.exists()
    mistyped_plate = demo.FLEET[-1][1]
    assert not fleet.filter(vehicle__plate_number=mistyped_plate).exists()
