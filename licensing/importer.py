"""Loading the dues ledger from the finance department's CSV (UTF-8, header row).

Columns: ``owner_id_number, deed_reference, kind, year, amount, description, paid``. ``kind`` is
``property_tax`` (مسقفات) or ``other`` (تحققات); ``amount`` is JOD with up to 3 decimals; ``paid`` is
``true``/``false`` (empty: false). Rows are keyed by (owner, deed, kind, year): a later row for the
same key updates it, so loading the same file twice changes nothing. A bad row is reported with its
line number and reason and skipped; good rows still load (each in its own savepoint).
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from licensing.constants import DueKind
from licensing.models import DuesEntry

COLUMNS = ["owner_id_number", "deed_reference", "kind", "year", "amount", "description", "paid"]
REQUIRED = {"owner_id_number", "deed_reference", "kind", "year", "amount"}


class RowError(Exception):
    pass


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _row(row: dict) -> tuple[dict, dict]:
    owner = "".join((row.get("owner_id_number") or "").split()).upper()
    if not owner or len(owner) > 20 or not owner.isalnum():
        raise RowError("owner_id_number: required, letters and digits, at most 20")
    deed = "".join((row.get("deed_reference") or "").split()).upper()
    if not deed or len(deed) > 30:
        raise RowError("deed_reference: required, at most 30 characters")
    kind = (row.get("kind") or "").strip().lower()
    if kind not in DueKind.values:
        raise RowError(f"kind: unknown value “{kind}” (allowed: {', '.join(DueKind.values)})")
    year_text = (row.get("year") or "").strip()
    if not year_text.isdecimal() or not 1990 <= int(year_text) <= 2100:
        raise RowError("year: a year between 1990 and 2100")
    try:
        amount = Decimal((row.get("amount") or "").strip())
    except InvalidOperation:
        raise RowError(f"amount: “{row.get('amount')}” is not a number") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.001")):
        raise RowError("amount: a positive JOD amount with at most 3 decimals")
    paid_text = (row.get("paid") or "false").strip().lower()
    if paid_text not in ("true", "false"):
        raise RowError("paid: true or false")
    key = {"owner_id_number": owner, "deed_reference": deed, "kind": kind, "year": int(year_text)}
    values = {"amount": amount.quantize(Decimal("0.001")), "description": (row.get("description") or "").strip()[:200]}
    return key, {**values, "paid": paid_text == "true"}


def dues_import(*, lines: Iterable[str]) -> ImportReport:
    reader = csv.DictReader(lines)
    header = {(name or "").strip() for name in (reader.fieldnames or [])}
    missing = REQUIRED - header
    if missing:
        raise ValueError(f"missing column(s): {', '.join(sorted(missing))}")
    report = ImportReport()
    for row in reader:
        line = reader.line_num
        row = {(k or "").strip(): v for k, v in row.items() if k}
        try:
            key, values = _row(row)
            paid = values.pop("paid")
            with transaction.atomic():
                entry = DuesEntry.objects.select_for_update().filter(**key).first()
                if entry is None:
                    DuesEntry.objects.create(
                        **key, **values, paid_at=timezone.now() if paid else None, source=DuesEntry.Source.IMPORT
                    )
                    report.created += 1
                    continue
                changed = [name for name, value in values.items() if getattr(entry, name) != value]
                if paid and entry.paid_at is None:
                    entry.paid_at = timezone.now()
                    changed.append("paid_at")
                if not changed:
                    report.unchanged += 1
                    continue
                for name in changed:
                    if name in values:
                        setattr(entry, name, values[name])
                entry.save(update_fields=[*changed, "updated_at"])
                report.updated += 1
        except RowError as exc:
            report.errors.append((line, str(exc)))
    return report
