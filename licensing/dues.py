"""What a property owner owes the municipality, read through one interface.

For now the answer comes from the local ledger (:class:`licensing.models.DuesEntry`), kept by
finance staff in the admin or loaded with ``manage.py import_dues``. A live client of the finance
system can replace :func:`dues_outstanding` and :func:`dues_settle` without touching the workflow.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from licensing.constants import DueKind
from licensing.models import DuesEntry


@dataclass(frozen=True)
class DueItem:
    key: str  # stable id, used as the bill line's item key
    kind: str
    year: int
    amount: Decimal
    description: str
    entry_id: int

    @property
    def kind_label(self) -> str:
        return str(DueKind(self.kind).label)


def dues_outstanding(*, owner_id_numbers: list[str], deed_reference: str) -> list[DueItem]:
    """Unpaid dues on the property ``deed_reference`` owed by any of ``owner_id_numbers``.

    Nothing is returned when the applicant is not the property's owner (a tenant owes nothing here).
    """
    owners = [n for n in owner_id_numbers if n]
    if not owners or not deed_reference:
        return []
    rows = DuesEntry.objects.filter(
        owner_id_number__in=owners, deed_reference=deed_reference, paid_at__isnull=True
    ).order_by("year", "kind", "pk")
    return [
        DueItem(
            key=f"licensing:dues:{row.pk}",
            kind=row.kind,
            year=row.year,
            amount=row.amount,
            description=row.description,
            entry_id=row.pk,
        )
        for row in rows
    ]


def dues_settle(*, entry_ids: list[int], bill) -> int:
    """Mark the ledger entries paid by ``bill``; entries already paid are left alone. Returns how many."""
    return DuesEntry.objects.filter(pk__in=entry_ids, paid_at__isnull=True).update(
        paid_at=timezone.now(), paid_bill=bill
    )
