"""Step 3 of seed 002: is the vehicle's insurance active or expired?

The portal reads insurance through one interface, :func:`policy_check`. Today it answers from a
local registry of policies (``InsurancePolicy``) that staff keep in the admin or load from the
insurers' files (``manage.py import_insurance_policies``). When the insurers' system can be called,
a class with the same ``check`` method replaces :class:`LocalPolicyRegistry` through the setting
``ACCIDENTS_INSURANCE_REGISTRY`` (a dotted path); nothing else in the service changes.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accidents.constants import InsuranceState
from accidents.inputs import policy_normalise, registration_normalise

DEFAULT_REGISTRY = "accidents.insurance.LocalPolicyRegistry"


class InsuranceUnavailableError(Exception):
    """The registry could not answer now; the claim waits in the insurance-check queue."""


@dataclass(frozen=True)
class PolicyCheck:
    state: InsuranceState
    insurer_code: str = ""
    insurer_name: str = ""
    policy_number: str = ""
    valid_until: date | None = None
    source: str = ""
    detail: str = ""

    @property
    def is_active(self) -> bool:
        return self.state == InsuranceState.ACTIVE


class InsuranceRegistry(Protocol):
    def check(
        self, *, registration_number: str, insurer_code: str, policy_number: str, on_date: date
    ) -> PolicyCheck: ...


class LocalPolicyRegistry:
    """Answers from ``InsurancePolicy`` rows.

    A policy covers an accident when the accident date falls inside its term and it had not been
    cancelled by then: insurers pay for accidents that happened while the policy ran, even if it has
    expired since.
    """

    source = "local-registry"

    def check(self, *, registration_number: str, insurer_code: str, policy_number: str, on_date: date) -> PolicyCheck:
        from accidents.models import InsurancePolicy

        registration_number = registration_normalise(registration_number)
        policies = InsurancePolicy.objects.select_related("insurer").filter(registration_number=registration_number)
        if insurer_code and policy_number:
            # The applicant named a policy: only that one counts, and only for this vehicle.
            policies = policies.filter(insurer__code=insurer_code, policy_number=policy_normalise(policy_number))
        policies = list(policies.order_by("-ends_on", "-pk"))
        if not policies:
            return PolicyCheck(
                state=InsuranceState.EXPIRED,
                source=self.source,
                detail=_("No policy for this vehicle in the insurance registry."),
            )
        covering = [p for p in policies if p.covers(on_date)]
        policy = covering[0] if covering else policies[0]
        if covering:
            detail = _("Policy in force on the accident date.")
        elif policy.cancelled_on and policy.cancelled_on <= on_date:
            detail = _("Policy cancelled before the accident date.")
        elif policy.starts_on > on_date:
            detail = _("Policy started after the accident date.")
        else:
            detail = _("Policy expired before the accident date.")
        return PolicyCheck(
            state=InsuranceState.ACTIVE if covering else InsuranceState.EXPIRED,
            insurer_code=policy.insurer.code,
            insurer_name=policy.insurer.name_ar,
            policy_number=policy.policy_number,
            valid_until=policy.ends_on,
            source=self.source,
            detail=detail,
        )


def insurance_registry() -> InsuranceRegistry:
    return import_string(getattr(settings, "ACCIDENTS_INSURANCE_REGISTRY", DEFAULT_REGISTRY))()


def policy_check(
    *, registration_number: str, insurer_code: str = "", policy_number: str = "", on_date: date
) -> PolicyCheck:
    """The one door through which the service reads insurance. May raise :class:`InsuranceUnavailableError`."""
    return insurance_registry().check(
        registration_number=registration_number,
        insurer_code=insurer_code or "",
        policy_number=policy_number or "",
        on_date=on_date,
    )


# --- Import of the insurers' policy files ------------------------------------------------------

IMPORT_COLUMNS = (
    "insurer_code",
    "policy_number",
    "registration_number",
    "plate_code",
    "plate_number",
    "starts_on",
    "ends_on",
    "cancelled_on",
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _row_values(row: dict) -> dict:
    from accidents.models import InsuranceCompany

    values = {k: (row.get(k) or "").strip() for k in IMPORT_COLUMNS}
    missing = [
        k for k in ("insurer_code", "policy_number", "registration_number", "starts_on", "ends_on") if not values[k]
    ]
    if missing:
        raise ValidationError(_("Missing value in: %(columns)s") % {"columns": ", ".join(missing)})
    insurer = InsuranceCompany.objects.filter(code=values["insurer_code"]).first()
    if insurer is None:
        raise ValidationError(_("Unknown insurer code %(code)s") % {"code": values["insurer_code"]})
    dates = {}
    for key in ("starts_on", "ends_on", "cancelled_on"):
        if not values[key]:
            dates[key] = None
            continue
        try:
            dates[key] = parse_date(values[key])
        except ValueError:
            dates[key] = None
        if dates[key] is None:
            raise ValidationError(
                _("%(column)s is not a date (YYYY-MM-DD): %(value)s") % {"column": key, "value": values[key]}
            )
    if dates["ends_on"] < dates["starts_on"]:
        raise ValidationError(_("ends_on is before starts_on"))
    return {
        "insurer": insurer,
        "policy_number": policy_normalise(values["policy_number"]),
        "defaults": {
            "registration_number": registration_normalise(values["registration_number"]),
            "plate_code": values["plate_code"],
            "plate_number": values["plate_number"],
            "starts_on": dates["starts_on"],
            "ends_on": dates["ends_on"],
            "cancelled_on": dates["cancelled_on"],
        },
    }


def policies_import(*, rows: Iterable[dict], source: str = "import") -> ImportReport:
    """Create or update policies keyed by (insurer, policy number); re-importing a file changes nothing.

    ``rows`` are dicts with :data:`IMPORT_COLUMNS`; a bad row is reported with its line number
    (the header is line 1) and skipped, good rows still load.
    """
    from accidents.models import InsurancePolicy

    report = ImportReport()
    for line, row in enumerate(rows, start=2):
        try:
            values = _row_values(row)
        except ValidationError as exc:
            report.errors.append((line, "; ".join(exc.messages)))
            continue
        with transaction.atomic():
            policy = (
                InsurancePolicy.objects.select_for_update()
                .filter(insurer=values["insurer"], policy_number=values["policy_number"])
                .first()
            )
            if policy is None:
                InsurancePolicy.objects.create(
                    insurer=values["insurer"],
                    policy_number=values["policy_number"],
                    source=source,
                    **values["defaults"],
                )
                report.created += 1
                continue
            changed = [k for k, v in values["defaults"].items() if getattr(policy, k) != v]
            if not changed:
                report.unchanged += 1
                continue
            for k in changed:
                setattr(policy, k, values["defaults"][k])
            policy.source = source
            policy.save(update_fields=[*changed, "source", "updated_at"])
            report.updated += 1
    return report


def policies_import_csv(*, path, source: str = "import") -> ImportReport:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in IMPORT_COLUMNS if c != "cancelled_on" and c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(_("The file has no column(s): %(columns)s") % {"columns": ", ".join(missing)})
        return policies_import(rows=reader, source=source)
