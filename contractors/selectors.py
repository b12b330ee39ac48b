"""Reads of the contractors app worth naming."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from contractors.constants import MSG_CANCELLED
from contractors.inputs import identifier_normalize
from contractors.models import Permit, RenewalRequest
from core.dates import date_text
from core.digits import digits_ascii
from core.phones import mobile_normalise
from services.reference import reference_normalise


def permit_find(*, contractor_number: str, permit_number: str, year: int) -> Permit | None:
    """The permit matching all three values, or None.

    One query whatever is wrong (unknown contractor, unknown permit, another contractor's permit or
    another year), so a miss cannot tell which field was wrong, by its answer or by its work.
    """
    return (
        Permit.objects.select_related("contractor")
        .filter(
            contractor__number=identifier_normalize(contractor_number),
            number=identifier_normalize(permit_number),
            year=year,
        )
        .first()
    )


@dataclass(frozen=True)
class PeriodOptions:
    available: list[int]
    # Years already covered: by the permit's own validity or by a renewal requested or issued.
    unavailable: list[int]
    # Of those, the years held by a renewal request (under way or issued).
    held: list[int]


def renewal_candidate_years(*, today: dt.date | None = None) -> list[int]:
    """A renewal is asked for this calendar year or the next."""
    today = today or timezone.localdate()
    return [today.year, today.year + 1]


def period_is_covered(*, permit: Permit, year: int) -> bool:
    """Whether the permit's own validity already reaches the end of ``year``."""
    return permit.valid_until >= dt.date(year, 12, 31)


def period_is_held(*, permit: Permit, year: int) -> bool:
    """Whether a renewal request (under way or issued) already holds ``year`` of the permit."""
    return RenewalRequest.objects.holding_period().filter(permit=permit, period_year=year).exists()


def renewal_periods(*, permit: Permit, today: dt.date | None = None) -> PeriodOptions:
    candidates = renewal_candidate_years(today=today)
    held = set(
        RenewalRequest.objects.holding_period()
        .filter(permit=permit, period_year__in=candidates)
        .values_list("period_year", flat=True)
    )
    available, unavailable = [], []
    for year in candidates:
        (unavailable if year in held or period_is_covered(permit=permit, year=year) else available).append(year)
    return PeriodOptions(available=available, unavailable=unavailable, held=sorted(held))


def renewal_track(*, reference: str, phone: str) -> RenewalRequest | None:
    """The request with this reference whose SMS go to this phone (how a person without an account
    follows it), or None — the same None whichever of the two is wrong."""
    try:
        mobile = mobile_normalise(phone)
    except ValidationError:
        return None
    reference = reference_normalise(digits_ascii(reference))
    return (
        RenewalRequest.objects.select_related("permit__contractor", "bill")
        .filter(reference=reference, phone=mobile)
        .first()
    )


# --- the look-up answer (page, JSON and app API share it) ---------------------------------------


def lookup_miss_message() -> str:
    return _("No permit matches these details. Check the contractor number, the permit number and the year.")


def permit_summary(permit: Permit) -> dict:
    return {
        "number": permit.number,
        "year": permit.year,
        "kind": permit.get_kind_display(),
        "site": permit.site,
        "valid_until": permit.valid_until.isoformat(),  # for machines (API, JSON)
        "valid_until_text": date_text(permit.valid_until),  # for people, in the page's language
        "status": permit.get_status_display(),
    }


def lookup_outcome(permit: Permit | None) -> dict:
    """What the look-up found, the same shape for the page and the JSON answer."""
    if permit is None:
        return {"found": False, "renewable": False, "message": lookup_miss_message()}
    contractor = permit.contractor
    outcome = {
        "found": True,
        "contractor_name": contractor.tr("name"),
        "contractor_number": contractor.number,
        "permit": permit_summary(permit),
        "renewable": False,
        "message": "",
        "years": [],
        "unavailable_years": [],
    }
    if permit.is_cancelled:
        outcome["message"] = str(MSG_CANCELLED)
        return outcome
    periods = renewal_periods(permit=permit)
    outcome["years"], outcome["unavailable_years"] = periods.available, periods.unavailable
    outcome["renewable"] = bool(periods.available)
    if not periods.available:
        outcome["message"] = _(
            "This permit cannot be renewed now: it is already valid, renewed or being renewed for %(years)s."
        ) % {"years": " / ".join(map(str, periods.unavailable))}
    elif periods.held:
        # A year the permit itself still covers needs no word; one taken by a request does.
        outcome["message"] = _("A renewal is already under way or issued for %(years)s.") % {
            "years": " / ".join(map(str, periods.held))
        }
    return outcome
