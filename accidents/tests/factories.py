"""Insurance registry rows and accident claims in every lifecycle state, made through the real workflow."""

import itertools
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accidents.constants import Department, PaymentMethod, Unit
from accidents.models import AccidentClaim, InsuranceCompany, InsurancePolicy
from accidents.tests.files import letter_pdf, sketch_png
from accidents.workflow import (
    ClaimData,
    ValuationLine,
    claim_letter_decide,
    claim_letter_upload,
    claim_payment_choose,
    claim_submit,
    claim_value,
)
from accounts.party import Party
from accounts.tests.factories import UserFactory
from violations.tests.factories import VehicleFactory


class InsuranceCompanyFactory(DjangoModelFactory):
    class Meta:
        model = InsuranceCompany
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ins{n}")
    name_ar = factory.Sequence(lambda n: f"شركة تأمين تجريبية {n}")
    name_en = factory.Sequence(lambda n: f"Test Insurance {n}")


class InsurancePolicyFactory(DjangoModelFactory):
    """In force from a year ago to a year ahead; traits ``expired`` and ``cancelled``."""

    class Meta:
        model = InsurancePolicy

    insurer = factory.SubFactory(InsuranceCompanyFactory)
    policy_number = factory.Sequence(lambda n: f"POL-{n:06d}")
    registration_number = factory.Sequence(lambda n: f"{30000000 + n}")
    plate_code = "10"
    plate_number = factory.Sequence(lambda n: f"{70000 + n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))

    class Params:
        expired = factory.Trait(
            starts_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=730)),
            ends_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365)),
        )
        cancelled = factory.Trait(cancelled_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30)))


DEFAULT_LINES = [
    ValuationLine(
        department=Department.LIGHTING,
        description="عمود إنارة مجلفن 9 م",
        quantity=Decimal("1"),
        unit=Unit.PIECE,
        unit_price=Decimal("350.000"),
    ),
    ValuationLine(
        department=Department.LIGHTING,
        description="أجور فك وتركيب",
        quantity=Decimal("4"),
        unit=Unit.HOUR,
        unit_price=Decimal("12.500"),
    ),
]
DEFAULT_TOTAL = Decimal("400.000")


_numbers = itertools.count(100001)


def claim_data(**overrides) -> ClaimData:
    n = next(_numbers)
    values = {
        "plate_code": "10",
        "plate_number": str(n % 100000),
        "registration_number": str(40000000 + n),
        "accident_date": timezone.localdate() - timedelta(days=2),
        "accident_place": "شارع الملكة رانيا، قرب الجامعة الأردنية",
        "damaged_property": ["lamp_post"],
        "police_report_number": f"PR{n}",
        "contact_mobile": "+962791234567",
        "damage_description": "",
        "insurer": None,
        "policy_number": "",
    }
    values.update(overrides)
    in_register(values["plate_code"], values["plate_number"], values["registration_number"])
    return ClaimData(**values)


def in_register(plate_code: str, plate_number: str, registration_number: str):
    """The vehicle in the Traffic Department's register as the portal holds it (a claim needs it there)."""
    return VehicleFactory(plate_code=plate_code, plate_number=plate_number, registration_number=registration_number)


class ClaimFactory(factory.Factory):
    """``ClaimFactory(awaiting_choice=True)`` etc. Each state is reached by the workflow functions.

    States: submitted (default), awaiting_payment (insurance expired), awaiting_choice (insurance active),
    paying_personally, awaiting_letter, letter_review, released_by_letter, cancelled_by_letter.
    """

    class Meta:
        model = AccidentClaim

    applicant = factory.SubFactory(UserFactory)
    organisation = None
    staff = factory.LazyFunction(lambda: UserFactory(staff=True))
    state = "submitted"
    data = None

    class Params:
        awaiting_payment = factory.Trait(state="awaiting_payment")
        awaiting_choice = factory.Trait(state="awaiting_choice")
        paying_personally = factory.Trait(state="paying_personally")
        awaiting_letter = factory.Trait(state="awaiting_letter")
        letter_review = factory.Trait(state="letter_review")
        released_by_letter = factory.Trait(state="released_by_letter")
        cancelled_by_letter = factory.Trait(state="cancelled_by_letter")

    @classmethod
    def _create(cls, model_class, *, applicant, organisation, staff, state, data):
        party = Party(user=applicant, organisation=organisation)
        overrides = {}
        if state not in ("submitted", "awaiting_payment"):
            policy = InsurancePolicyFactory()
            overrides = {
                "registration_number": policy.registration_number,
                "insurer": policy.insurer,
                "policy_number": policy.policy_number,
            }
        claim = claim_submit(party=party, data=data or claim_data(**overrides), sketch=sketch_png())
        if state == "submitted":
            return claim
        claim = claim_value(claim=claim, lines=DEFAULT_LINES, actor=staff)
        if state in ("awaiting_payment", "awaiting_choice"):
            return claim
        if state == "paying_personally":
            return claim_payment_choose(claim=claim, party=party, method=PaymentMethod.PERSONAL)
        claim = claim_payment_choose(claim=claim, party=party, method=PaymentMethod.INSURER)
        if state == "awaiting_letter":
            return claim
        claim = claim_letter_upload(claim=claim, party=party, letter=letter_pdf())
        if state == "letter_review":
            return claim
        if state == "released_by_letter":
            return claim_letter_decide(claim=claim, actor=staff, valid=True)
        if state == "cancelled_by_letter":
            return claim_letter_decide(claim=claim, actor=staff, valid=False, reason="الكتاب غير موقع من شركة التأمين")
        raise ValueError(state)

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("Claims exist only through the workflow.")
