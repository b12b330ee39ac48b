import datetime as dt

import factory
from factory.django import DjangoModelFactory

from contractors.constants import Classification, PermitKind, PermitStatus
from contractors.models import Contractor, Permit
from contractors.workflow import renewal_submit


class ContractorFactory(DjangoModelFactory):
    class Meta:
        model = Contractor

    number = factory.Sequence(lambda n: f"{41000 + n}")
    name_ar = factory.Sequence(lambda n: f"شركة المقاولات التجريبية {n}")
    name_en = factory.Sequence(lambda n: f"Test Contracting Co. {n}")
    classification = Classification.SECOND
    phone = factory.Sequence(lambda n: f"+96278{n:07d}")


class PermitFactory(DjangoModelFactory):
    """A permit of 2026, valid for that calendar year (tests freeze time in 2026)."""

    class Meta:
        model = Permit

    contractor = factory.SubFactory(ContractorFactory)
    number = factory.Sequence(lambda n: f"{7000 + n}")
    year = 2026
    kind = PermitKind.EXCAVATION
    site = "شارع مكة، تقاطع شارع عبدالله غوشة"
    valid_from = factory.LazyAttribute(lambda o: dt.date(o.year, 1, 1))
    valid_until = factory.LazyAttribute(lambda o: dt.date(o.year, 12, 31))
    status = PermitStatus.ACTIVE

    class Params:
        cancelled = factory.Trait(status=PermitStatus.CANCELLED)
        expired = factory.Trait(
            year=2025,
            status=PermitStatus.EXPIRED,
        )


class RenewalRequestFactory(DjangoModelFactory):
    """A submitted request, made through the workflow (reference, first event, SMS) like the website does."""

    class Meta:
        model = "contractors.RenewalRequest"

    permit = factory.SubFactory(PermitFactory)
    period_year = 2027
    reason = "لم تنته الأعمال في الموقع بعد"
    phone = factory.Sequence(lambda n: f"+96277{n:07d}")
    user = None

    @classmethod
    def _create(cls, model_class, *args, user=None, **kwargs):
        return renewal_submit(user=user, **kwargs)
