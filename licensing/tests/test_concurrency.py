"""Two applicants racing for the same inspection slot: the database lets exactly one through."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from licensing.models import InspectionBooking
from licensing.tests import factories as f
from licensing.workflow import split_apply, split_inspection_book

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and partial unique indexes: PostgreSQL")
def test_two_people_booking_the_same_slot_at_once_get_one_booking():
    first, second = f.make_world(), f.make_world()
    slot = first.slots[0]
    applications = [
        (first, split_apply(party=first.party, data=f.data(first))),
        (second, split_apply(party=second.party, data=f.data(second))),
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def book(world, application):
        try:
            barrier.wait()
            split_inspection_book(application=application, slot=slot, actor=world.user, party=world.party)
            outcomes.append("booked")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["slot"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=pair) for pair in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes)[0] == "booked"
    assert outcomes.count("booked") == 1
    assert InspectionBooking.objects.filter(slot=slot).count() == 1
