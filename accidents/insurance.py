"""Step 3 of seed 002: is the vehicle's insurance active or expired?

The portal reads insurance through one interface, :func:`policy_check`. Today it answers from a
local registry of policies (``InsurancePolicy``) that staff keep in the admin or load from the
insurers' files (``manage.py import_insurance_policies``). When the insurers' system can be called,
a class with the same ``check`` method replaces :class:`LocalPolicyRegistry` through the setting
``ACCIDENTS_INSURANCE_REGISTRY`` (a dotted path); nothing else in the service changes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accidents.constants import InsuranceState
from accidents.forms import PolicyRowForm
from accidents.models import InsurancePolicy
from accidents.selectors import policies_for_vehicle
from core.rows import ImportReport, csv_rows, rows_import

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
        policies = policies_for_vehicle(
            registration_number=registration_number, insurer_code=insurer_code, policy_number=policy_number
        )
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

IMPORT_COLUMNS = tuple(PolicyRowForm.base_fields)
REQUIRED_COLUMNS = set(IMPORT_COLUMNS) - {"cancelled_on"}
# What an imported row sets on the policy it creates or updates, keyed by (insurer, policy number).
POLICY_FIELDS = ("registration_number", "plate_code", "plate_number", "starts_on", "ends_on", "cancelled_on")


@dataclass
class PolicyImportReport(ImportReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _policy_load(values: dict, *, source: str) -> str:
    """Create or update one policy from a row ``PolicyRowForm`` has cleaned; the report counter to add one to."""
    insurer, number = values["insurer_code"], values["policy_number"]
    fields = {name: values[name] for name in POLICY_FIELDS}
    policy = InsurancePolicy.objects.select_for_update().filter(insurer=insurer, policy_number=number).first()
    if policy is None:
        InsurancePolicy.objects.create(insurer=insurer, policy_number=number, source=source, **fields)
        return "created"
    changed = [name for name, value in fields.items() if getattr(policy, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(policy, name, fields[name])
    policy.source = source
    policy.save(update_fields=[*changed, "source", "updated_at"])
    return "updated"


def policies_import(*, rows: Iterable[dict], source: str = "import") -> PolicyImportReport:
    """Create or update policies keyed by (insurer, policy number); re-importing a file changes nothing.

    ``rows`` are dicts with :data:`IMPORT_COLUMNS`; a bad row is reported with its line number
    (the header is line 1) and skipped, good rows still load.
    """
    return rows_import(
        rows=rows,
        report=PolicyImportReport(),
        form_class=PolicyRowForm,
        load=lambda values: _policy_load(values, source=source),
    )


def policies_import_csv(*, path, source: str = "import") -> PolicyImportReport:
    """Import a CSV file with a header row; ValueError names the missing columns (``cancelled_on`` may be left out)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return policies_import(rows=csv_rows(fh, required=REQUIRED_COLUMNS), source=source)
