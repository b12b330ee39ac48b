"""Loading the dues ledger from the finance department's CSV (UTF-8, header row).

Columns: ``owner_id_number, deed_reference, kind, year, amount, description, paid``. ``kind`` is
``property_tax`` (مسقفات) or ``other`` (تحققات); ``amount`` is JOD with up to 3 decimals; ``paid`` is
``true``/``false`` (empty: false). Rows are keyed by (owner, deed, kind, year): a later row for the
same key updates it, so loading the same file twice changes nothing. A bad row is reported with its
line number and reason and skipped; good rows still load (each in its own savepoint).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from core.money import money
from core.rows import ImportReport, csv_rows, rows_import
from licensing.constants import DueKind
from licensing.models import DuesEntry

COLUMNS = ["owner_id_number", "deed_reference", "kind", "year", "amount", "description", "paid"]
REQUIRED = {"owner_id_number", "deed_reference", "kind", "year", "amount"}

_OWNER_MAX = DuesEntry._meta.get_field("owner_id_number").max_length
_DEED_MAX = DuesEntry._meta.get_field("deed_reference").max_length
_DESCRIPTION_MAX = DuesEntry._meta.get_field("description").max_length
_AMOUNT = DuesEntry._meta.get_field("amount")

# The report is read by finance staff at the command line, in the file's own terms (not translated).
MSG_OWNER = f"required, letters and digits, at most {_OWNER_MAX}"
MSG_DEED = f"required, at most {_DEED_MAX} characters"
MSG_KIND = f"unknown value “%(value)s” (allowed: {', '.join(DueKind.values)})"
MSG_YEAR = "a year between 1990 and 2100"
MSG_AMOUNT = "a positive JOD amount with at most 3 decimals"


@dataclass
class DuesImportReport(ImportReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class _CompactUpperField(forms.CharField):
    """Spaces removed and letters upper-cased, as the ledger keys are stored."""

    def to_python(self, value):
        return "".join(super().to_python(value).split()).upper()


class _LowerChoiceField(forms.ChoiceField):
    def to_python(self, value):
        return super().to_python(value).strip().lower()


class DuesRowForm(forms.Form):
    """One line of the finance file; limits from :class:`licensing.models.DuesEntry`."""

    owner_id_number = _CompactUpperField(
        max_length=_OWNER_MAX,
        validators=[RegexValidator(r"^[^\W_]+$", MSG_OWNER)],
        error_messages={"required": MSG_OWNER, "max_length": MSG_OWNER},
    )
    deed_reference = _CompactUpperField(
        max_length=_DEED_MAX, error_messages={"required": MSG_DEED, "max_length": MSG_DEED}
    )
    kind = _LowerChoiceField(
        choices=DueKind.choices, error_messages={"required": MSG_KIND % {"value": ""}, "invalid_choice": MSG_KIND}
    )
    year = forms.IntegerField(
        min_value=1990,
        max_value=2100,
        error_messages={"required": MSG_YEAR, "invalid": MSG_YEAR, "min_value": MSG_YEAR, "max_value": MSG_YEAR},
    )
    amount = forms.DecimalField(
        max_digits=_AMOUNT.max_digits,
        decimal_places=_AMOUNT.decimal_places,
        min_value=Decimal("0.001"),
        error_messages={
            "required": MSG_AMOUNT,
            "invalid": MSG_AMOUNT,
            "min_value": MSG_AMOUNT,
            "max_digits": MSG_AMOUNT,
            "max_decimal_places": MSG_AMOUNT,
            "max_whole_digits": MSG_AMOUNT,
        },
    )
    # Longer descriptions are cut to the ledger's length, not refused (the amount is what matters).
    description = forms.CharField(required=False)
    paid = _LowerChoiceField(
        required=False,
        choices=[("", ""), ("true", "true"), ("false", "false")],
        error_messages={"invalid_choice": "true or false"},
    )

    def clean_amount(self):
        return money(self.cleaned_data["amount"])

    def clean_description(self):
        return self.cleaned_data["description"][:_DESCRIPTION_MAX]

    def clean_paid(self):
        return self.cleaned_data["paid"] == "true"


def _load(values: dict) -> str:
    key = {name: values[name] for name in ("owner_id_number", "deed_reference", "kind", "year")}
    fields = {"amount": values["amount"], "description": values["description"]}
    paid = values["paid"]
    entry = DuesEntry.objects.select_for_update().filter(**key).first()
    if entry is None:
        DuesEntry.objects.create(
            **key, **fields, paid_at=timezone.now() if paid else None, source=DuesEntry.Source.IMPORT
        )
        return "created"
    changed = [name for name, value in fields.items() if getattr(entry, name) != value]
    if paid and entry.paid_at is None:
        entry.paid_at = timezone.now()
        changed.append("paid_at")
    if not changed:
        return "unchanged"
    for name in changed:
        if name in fields:
            setattr(entry, name, fields[name])
    entry.save(update_fields=[*changed, "updated_at"])
    return "updated"


def dues_import(*, lines: Iterable[str]) -> DuesImportReport:
    rows = csv_rows(lines, required=REQUIRED)
    return rows_import(rows=rows, report=DuesImportReport(), load=_load, form_class=DuesRowForm)
