import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.tests.factories import UserFactory
from contractors.tests.factories import PermitFactory

AMMAN = ZoneInfo("Asia/Amman")
# The tests live in March 2026: factory permits (year 2026) are valid until the end of 2026.
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMMAN)
CAPTCHA = "24680"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def captcha_answer(settings):
    settings.CONTRACTORS_CAPTCHA_TEST_ANSWER = CAPTCHA
    return CAPTCHA


@pytest.fixture
def permit(db):
    return PermitFactory(contractor__number="55501", contractor__name_ar="شركة النشامى للمقاولات", number="8841")


@pytest.fixture
def staff(db):
    return UserFactory(staff=True)
