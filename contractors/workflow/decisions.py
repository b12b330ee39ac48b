"""Staff decisions on a request (approve with period and fee, refuse with a reason) and what a closed
request gives back (its period and its unpaid bill)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contractors.constants import (
    BILL_KIND,
    PAYMENT_DAYS,
    RENEWAL_HOLDS_PERIOD,
    SMS_APPROVED,
    SMS_EXPIRED,
    SMS_REFUSED,
    RenewalStatus,
)
from contractors.models import RenewalRequest
from contractors.workflow.sms import renewal_sms
from core.dates import date_text
from payments.constants import ServiceType
from payments.services import BillLineSpec, bill_create, bills_close_for_item
from services.models import ApplicationEvent
from services.workflow import Deadline, application_transition

STAFF = ApplicationEvent.ActorKind.STAFF


def _lock(renewal: RenewalRequest) -> RenewalRequest:
    return RenewalRequest.objects.select_for_update().select_related("permit__contractor").get(pk=renewal.pk)


def renewal_default_period(*, renewal: RenewalRequest) -> tuple[dt.date, dt.date]:
    """What staff usually approve: from the day after the permit runs out (or the year's start) to the
    year's end."""
    start = max(dt.date(renewal.period_year, 1, 1), renewal.permit.valid_until + dt.timedelta(days=1))
    end = dt.date(renewal.period_year, 12, 31)
    return (min(start, end), end)


def renewal_approve(
    *, renewal: RenewalRequest, staff, approved_from: dt.date, approved_until: dt.date, fee: Decimal, note: str = ""
) -> RenewalRequest:
    """Approve for the period [approved_from, approved_until] at ``fee``: bill it and SMS the e-payment number."""
    if approved_until < approved_from:
        raise ValidationError(_("The renewal must end on or after the day it starts."), code="dates")
    if fee is None or fee <= 0 or fee != fee.quantize(Decimal("0.001")):
        raise ValidationError(_("The fee must be a positive amount in JOD with at most 3 decimals."), code="fee")
    with transaction.atomic():
        renewal = _lock(renewal)
        if renewal.status != RenewalStatus.SUBMITTED:
            raise ValidationError(_("Only a request awaiting review can be approved."), code="status")
        if approved_until <= renewal.permit.valid_until:
            raise ValidationError(
                _("The renewal must reach beyond the permit's current end date (%(date)s).")
                % {"date": date_text(renewal.permit.valid_until)},
                code="dates",
            )
        deadline_at = timezone.now() + dt.timedelta(days=PAYMENT_DAYS)
        permit, contractor = renewal.permit, renewal.permit.contractor
        bill = bill_create(
            kind=BILL_KIND,
            service_type=ServiceType.CONTRACTOR_PERMITS,
            lines=[
                BillLineSpec(
                    description_ar=f"رسوم تجديد التصريح {permit.number}/{permit.year} لسنة {renewal.period_year}",
                    description_en=f"Renewal fee, permit {permit.number}/{permit.year}, year {renewal.period_year}",
                    amount=fee,
                    item_key=f"contractors:renewal:{renewal.pk}",
                    obj=renewal,
                )
            ],
            payer_name=contractor.name_ar,
            payer=None if renewal.submitted_anonymously else renewal.applicant,
            organisation=renewal.organisation,
            expires_at=deadline_at,
            description_ar=f"تجديد تصريح مقاول {renewal.reference}",
            description_en=f"Contractor permit renewal {renewal.reference}",
        )
        renewal.approved_from, renewal.approved_until, renewal.fee, renewal.bill = (
            approved_from,
            approved_until,
            fee,
            bill,
        )
        renewal.save(update_fields=["approved_from", "approved_until", "fee", "bill"])
        application_transition(
            application=renewal,
            to_status=RenewalStatus.AWAITING_PAYMENT,
            actor=staff,
            actor_kind=STAFF,
            reason=_("Approved"),
            public_note=_("Renewal approved: the period, the fee and the e-payment number are shown on this request."),
            internal_note=note,
            deadline=Deadline(
                at=deadline_at,
                action=RenewalStatus.CANCELLED,
                reason=_("The renewal fee was not paid in time."),
            ),
            expected_status=RenewalStatus.SUBMITTED,
        )
        renewal_sms(
            renewal=renewal,
            text=SMS_APPROVED,
            context={"amount": fee, "billing_number": bill.billing_number, "deadline": deadline_at},
            event="approved",
        )
    return renewal


def renewal_refuse(*, renewal: RenewalRequest, staff, reason: str) -> RenewalRequest:
    """Refuse with a reason the applicant reads (SMS and timeline); the period is free again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the refusal: the applicant reads it."), code="reason")
    with transaction.atomic():
        renewal = _lock(renewal)
        if renewal.status != RenewalStatus.SUBMITTED:
            raise ValidationError(_("Only a request awaiting review can be refused."), code="status")
        renewal.refusal_reason = reason
        renewal.save(update_fields=["refusal_reason"])
        application_transition(
            application=renewal,
            to_status=RenewalStatus.REFUSED,
            actor=staff,
            actor_kind=STAFF,
            reason=reason[:300],
            public_note=reason,
            expected_status=RenewalStatus.SUBMITTED,
        )
        renewal_after_close(renewal=renewal)
        renewal_sms(renewal=renewal, text=SMS_REFUSED, context={"reason": reason}, event="refused")
    return renewal


def renewal_after_close(*, renewal: RenewalRequest) -> None:
    """A refused or cancelled request frees its period and its unpaid bill."""
    renewal = RenewalRequest.objects.get(pk=renewal.pk)
    if renewal.status in RENEWAL_HOLDS_PERIOD:
        return
    if renewal.holds_period:
        RenewalRequest.objects.filter(pk=renewal.pk).update(holds_period=False)
    if renewal.status == RenewalStatus.CANCELLED:
        bills_close_for_item(item_key=f"contractors:renewal:{renewal.pk}", reason="renewal request cancelled")
        applicant = renewal.applicant
        told_by_sweep = (
            not renewal.submitted_anonymously and applicant.mobile_verified and applicant.mobile == renewal.phone
        )
        # The deadline sweep already told the account's verified mobile; the typed phone hears it from us.
        if not told_by_sweep:
            renewal_sms(renewal=renewal, text=SMS_EXPIRED, context={}, event="expired")
