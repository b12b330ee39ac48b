import datetime as dt
from zoneinfo import ZoneInfo

import altcha
import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from contractors.tests.factories import PermitFactory

AMMAN = ZoneInfo("Asia/Amman")
# The tests live in March 2026: factory permits (year 2026) are valid until the end of 2026.
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMMAN)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def pow_solve(challenge: dict) -> str:
    """What the ALTCHA widget sends once it has done the work: the challenge and its solution, base64."""
    parsed = altcha.Challenge.from_dict(challenge)
    return altcha.Payload(parsed, altcha.solve_challenge(parsed)).to_base64()


@pytest.fixture
def pow_solution():
    """``pow_solution(client)``: fetch a challenge as the widget does and solve it as a browser would."""

    def solve(client) -> str:
        response = client.get(reverse("contractors:challenge"))
        assert response.status_code == 200
        return pow_solve(response.json())

    return solve


@pytest.fixture
def permit(db):
    return PermitFactory(contractor__number="55501", contractor__name_ar="شركة النشامى للمقاولات", number="8841")


@pytest.fixture
def staff(db):
    return UserFactory(staff=True)
