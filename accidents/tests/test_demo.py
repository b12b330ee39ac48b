from io import StringIO

import pytest

from accidents import demo
from accidents.constants import ClaimStatus
from accidents.models import AccidentClaim, InsurancePolicy
from accounts import demo as accounts_demo
from services.models import Service
from violations import demo as violations_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_claims_in_several_states_and_is_idempotent(django_capture_on_commit_callbacks):
    accounts_demo.load(stdout=StringIO())
    violations_demo.load(stdout=StringIO())  # the vehicle register the claims are checked against
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(stdout=StringIO())
    statuses = set(AccidentClaim.objects.values_list("status", flat=True))
    assert statuses == {
        ClaimStatus.SUBMITTED,
        ClaimStatus.AWAITING_CHOICE,
        ClaimStatus.AWAITING_PAYMENT,
        ClaimStatus.LETTER_REVIEW,
        ClaimStatus.RELEASED,
    }
    assert AccidentClaim.objects.get(status=ClaimStatus.RELEASED).certificate is not None
    assert AccidentClaim.objects.get(status=ClaimStatus.AWAITING_PAYMENT).organisation is not None
    counts = (AccidentClaim.objects.count(), InsurancePolicy.objects.count())

    out = StringIO()
    demo.load(stdout=out)
    assert (AccidentClaim.objects.count(), InsurancePolicy.objects.count()) == counts
    assert "0 new demo claim(s)" in out.getvalue()


def test_demo_points_the_catalogue_card_at_the_start_page():
    Service.objects.update_or_create(
        slug="accident-claim-release",
        defaults={"kind": "procedure", "name_ar": "كف طلب عن حادث سير", "description_ar": "-"},
    )
    demo.load(stdout=StringIO())
    assert Service.objects.get(slug="accident-claim-release").start_url_name == "accidents:start"


def test_demo_without_the_demo_accounts_still_loads_the_registry():
    out = StringIO()
    demo.load(stdout=out)
    assert InsurancePolicy.objects.count() == len(demo.POLICIES)
    assert not AccidentClaim.objects.exists()
