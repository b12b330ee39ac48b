"""Filing a renewal request: who stands as applicant, which periods can be asked, the request itself."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contractors.constants import (
    MSG_CANCELLED,
    MSG_PERIOD_NOT_OFFERED,
    MSG_PERIOD_TAKEN,
    PUBLIC_APPLICANT_USERNAME,
    SERVICE_SLUG,
    SMS_SUBMITTED,
    RenewalStatus,
)
from contractors.models import Permit, RenewalRequest
from contractors.selectors import period_is_covered, period_is_held, renewal_candidate_years
from contractors.workflow.sms import renewal_sms
from services.workflow import application_create


class RenewalRefusedError(ValidationError):
    """The permit cannot be renewed as asked (the message is translated and safe to show)."""


def public_applicant():
    """The account that stands as applicant for requests made without logging in.

    ``services.Application.applicant`` cannot be empty; this account cannot log in (inactive, no
    usable password), so nobody sees those requests in "my applications": their owner follows them
    with the reference number and phone number instead.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=PUBLIC_APPLICANT_USERNAME,
        defaults={"is_active": False, "full_name_ar": "مقدم طلب دون حساب", "full_name_en": "Applicant without account"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def renewal_period_check(*, permit: Permit, period_year: int, today: dt.date | None = None) -> None:
    """Raise RenewalRefusedError when ``permit`` cannot be renewed for ``period_year``."""
    if permit.is_cancelled:
        raise RenewalRefusedError(MSG_CANCELLED, code="cancelled")
    candidates = renewal_candidate_years(today=today)
    if period_year not in candidates:
        raise RenewalRefusedError(
            MSG_PERIOD_NOT_OFFERED % {"years": " / ".join(map(str, candidates))}, code="period_not_offered"
        )
    if period_is_covered(permit=permit, year=period_year) or period_is_held(permit=permit, year=period_year):
        raise RenewalRefusedError(MSG_PERIOD_TAKEN % {"year": period_year}, code="period_taken")


def renewal_submit(
    *,
    permit: Permit,
    period_year: int,
    reason: str,
    phone: str,
    user=None,
    organisation=None,
    language: str = "ar",
) -> RenewalRequest:
    """File a renewal request for ``permit`` and ``period_year``; SMS its reference to ``phone``.

    ``user`` is the logged-in person (None: submitted without logging in). ``phone`` is E.164.
    """
    anonymous = user is None or not user.is_authenticated
    applicant = public_applicant() if anonymous else user
    with transaction.atomic():
        # The permit row lock makes two requests for the same period queue up here; the unique
        # constraint on (permit, period_year) settles it should anything get past.
        permit = Permit.objects.select_for_update().get(pk=permit.pk)
        renewal_period_check(permit=permit, period_year=period_year)
        try:
            with transaction.atomic():
                renewal = application_create(
                    model=RenewalRequest,
                    applicant=applicant,
                    organisation=None if anonymous else organisation,
                    service_slug=SERVICE_SLUG,
                    status=RenewalStatus.SUBMITTED,
                    permit=permit,
                    period_year=period_year,
                    renewal_reason=reason.strip(),
                    phone=phone,
                    language=(language or "ar")[:2],
                    submitted_anonymously=anonymous,
                )
        except IntegrityError as exc:
            if "contractors_one_renewal_per_permit_period" not in str(exc):
                raise
            raise RenewalRefusedError(MSG_PERIOD_TAKEN % {"year": period_year}, code="period_taken") from exc
        renewal_sms(renewal=renewal, text=SMS_SUBMITTED, context={}, event="submitted")
    return renewal
