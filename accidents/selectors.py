"""Reads of the accident claim service worth naming: a party's claims, a claim's valuation, the
insurance registry. Imports no workflow (the workflow imports these)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from accidents.inputs import policy_normalise, registration_normalise
from accidents.models import AccidentClaim, InsuranceCompany, InsurancePolicy, ValuationItem
from accounts.party import Party, party_q


def report_is_open(report: str) -> bool:
    """A claim for this (normalised) police report number is open or released (only a cancelled one frees it)."""
    return AccidentClaim.objects.filter(open_report_key=report).exists()


def claim_for_bill(bill) -> AccidentClaim | None:
    return AccidentClaim.objects.filter(bill=bill).first()


def claim_items(claim: AccidentClaim) -> list[ValuationItem]:
    """The valuation, line by line, in the order staff entered it."""
    return list(claim.items.order_by("position", "pk"))


def claims_for_party(party: Party) -> QuerySet[AccidentClaim]:
    """The party's own claims (a person's, or their organisation's)."""
    return AccidentClaim.objects.filter(party_q(party))


def claim_for_application(application) -> AccidentClaim | None:
    """The AccidentClaim behind a services Application (itself when it already is one)."""
    if application is None or isinstance(application, AccidentClaim):
        return application
    return (
        AccidentClaim.objects.select_related("bill", "letter", "sketch", "certificate", "declared_insurer")
        .filter(pk=application.pk)
        .first()
    )


def insurer_by_code(code: str) -> InsuranceCompany | None:
    return InsuranceCompany.objects.filter(code=code).first()


def policies_for_vehicle(*, registration_number: str, insurer_code: str = "", policy_number: str = "") -> list:
    """A vehicle's policies, latest term first; only the named one when the applicant named a policy."""
    policies = InsurancePolicy.objects.select_related("insurer").filter(
        registration_number=registration_normalise(registration_number)
    )
    if insurer_code and policy_number:
        # The applicant named a policy: only that one counts, and only for this vehicle.
        policies = policies.filter(insurer__code=insurer_code, policy_number=policy_normalise(policy_number))
    return list(policies.order_by("-ends_on", "-pk"))


def policy_in_force_q(day: date) -> Q:
    """Policies in force on ``day`` (as ``InsurancePolicy.covers`` decides, in the database)."""
    return Q(starts_on__lte=day, ends_on__gte=day) & (Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=day))
