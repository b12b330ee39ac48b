"""Bills in every lifecycle state, made through the real ``bill_create`` so numbers and sums are right."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from payments.constants import BillStatus, ServiceType
from payments.models import Bill
from payments.services import BillLineSpec, bill_create

TEST_KIND = "payments_test"


class BillFactory(factory.Factory):
    """``BillFactory(lines=[("violation:1", "5.000")])``; traits ``paid``, ``closed``, ``expired``."""

    class Meta:
        model = Bill

    kind = TEST_KIND
    service_type = ServiceType.TRAFFIC_VIOLATIONS
    payer = None
    organisation = None
    payer_name = factory.LazyAttribute(lambda o: o.payer.display_name if o.payer else "مواطن تجريبي")
    lines = factory.Sequence(lambda n: [(f"test-item:{n}", Decimal("15.000"))])
    expires_at = None
    description_ar = "مخالفات سير"
    description_en = "Traffic violations"
    status = BillStatus.OPEN

    class Params:
        paid = factory.Trait(status=BillStatus.PAID)
        closed = factory.Trait(status=BillStatus.CLOSED)
        expired = factory.Trait(status=BillStatus.EXPIRED)

    @classmethod
    def _create(cls, model_class, *, lines, status, **kwargs):
        bill = bill_create(
            lines=[
                BillLineSpec(
                    description_ar=f"بند {key}", description_en=f"Item {key}", amount=Decimal(amount), item_key=key
                )
                for key, amount in lines
            ],
            **kwargs,
        )
        if status != BillStatus.OPEN:
            now = timezone.now()
            fields = {"status": status}
            if status == BillStatus.PAID:
                fields["paid_at"] = now
            elif status == BillStatus.CLOSED:
                fields.update(closed_at=now, close_reason="test")
            elif status == BillStatus.EXPIRED:
                fields.update(issued_at=now - timedelta(days=40), due_at=now - timedelta(days=10))
                fields["expires_at"] = now - timedelta(days=10)
            Bill.objects.filter(pk=bill.pk).update(**fields)
            bill.refresh_from_db()
        return bill

    _build = _create
