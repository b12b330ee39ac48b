"""Every write of a permit renewal request: submit, approve (bill), refuse, pay (issue), expire.

Status moves go through ``services.workflow.application_transition``. SMS go to the phone number the
applicant typed on the form (not the account's mobile: a person without an account has only that),
in the language they used, through ``services.notifications.notify``.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contractors.constants import (
    BILL_KIND,
    DOCUMENT_KIND,
    KIND,
    PAYMENT_DAYS,
    RENEWAL_FINAL,
    RENEWAL_HOLDS_PERIOD,
    RENEWAL_TRANSITIONS,
    SERVICE_SLUG,
    RenewalStatus,
)
from contractors.models import Permit, RenewalRequest
from contractors.selectors import period_is_covered, renewal_candidate_years
from services.workflow import (
    Deadline,
    Workflow,
    application_create,
    application_transition,
    deadline_text,
    register_workflow,
)

PUBLIC_APPLICANT_USERNAME = "contractors-public"

SMS_SUBMITTED = _(
    "GAM: your contractor permit renewal request {reference} was received. "
    "Follow it on the e-services portal with the reference and this phone number."
)
SMS_APPROVED = _(
    "GAM: your permit renewal {reference} was approved. Pay {amount} JOD through eFAWATEERcom, "
    "e-payment number {billing_number}, before {deadline}."
)
SMS_REFUSED = _("GAM: your permit renewal request {reference} was refused. Reason: {reason}")
SMS_ISSUED = _(
    "GAM: permit {permit} is renewed until {until}. Download it on the portal (request {reference}); "
    "verification code {code}."
)
SMS_EXPIRED = _("GAM: your permit renewal {reference} was cancelled because the fee was not paid in time.")

MSG_CANCELLED = _("This permit is cancelled and cannot be renewed.")
MSG_PERIOD_TAKEN = _("This permit is already renewed for %(year)s, or a renewal for that year is under way.")
MSG_PERIOD_NOT_OFFERED = _("A renewal can be requested for %(years)s only.")


class RenewalRefusedError(ValidationError):
    """The permit cannot be renewed as asked (the message is translated and safe to show)."""


class RenewalWorkflow(Workflow):
    kind = KIND
    statuses = RenewalStatus
    transitions = RENEWAL_TRANSITIONS
    final = RENEWAL_FINAL
    reference_prefix = "CP"
    next_action = {RenewalStatus.AWAITING_PAYMENT: (_("Pay the renewal fee"), "payments:bill-detail")}

    @classmethod
    def next_action_url(cls, application, url_name: str) -> str:
        renewal = application.specific()
        return renewal.bill.get_absolute_url() if renewal.bill_id else ""

    @classmethod
    def on_deadline(cls, application) -> None:
        """The payment deadline passed (the sweep already moved the request to cancelled)."""
        renewal_after_close(renewal=application)


register_workflow(RenewalWorkflow)


# --- helpers ------------------------------------------------------------------------------------


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


def _sms(*, renewal: RenewalRequest, text: Promise, context: dict, event: str) -> None:
    from notifications.outbox import notify

    recipient = None if renewal.submitted_anonymously else renewal.applicant
    with translation.override(renewal.language or "ar"):
        rendered = str(text).format(reference=renewal.reference, **context)
    # notify() renders in the recipient's language; a person without an account chose theirs on the
    # site, so the text is rendered here already (braces escaped: notify formats it once more).
    notify(
        text=rendered.replace("{", "{{").replace("}", "}}"),
        recipient=recipient,
        mobile=renewal.phone,
        dedupe_key=f"contractors:{renewal.pk}:{event}",
        application=renewal,
    )


def _lock(renewal: RenewalRequest) -> RenewalRequest:
    return RenewalRequest.objects.select_for_update().select_related("permit__contractor").get(pk=renewal.pk)


def renewal_period_check(*, permit: Permit, period_year: int, today: dt.date | None = None) -> None:
    """Raise RenewalRefusedError when ``permit`` cannot be renewed for ``period_year``."""
    if permit.is_cancelled:
        raise RenewalRefusedError(MSG_CANCELLED, code="cancelled")
    candidates = renewal_candidate_years(today=today)
    if period_year not in candidates:
        raise RenewalRefusedError(
            MSG_PERIOD_NOT_OFFERED % {"years": " / ".join(map(str, candidates))}, code="period_not_offered"
        )
    if (
        period_is_covered(permit=permit, year=period_year)
        or RenewalRequest.objects.holding_period().filter(permit=permit, period_year=period_year).exists()
    ):
        raise RenewalRefusedError(MSG_PERIOD_TAKEN % {"year": period_year}, code="period_taken")


# --- submit ---------------------------------------------------------------------------------------


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
        _sms(renewal=renewal, text=SMS_SUBMITTED, context={}, event="submitted")
    return renewal


# --- staff decisions ----------------------------------------------------------------------------


def renewal_default_period(*, renewal: RenewalRequest) -> tuple[dt.date, dt.date]:
    """What staff usually approve: from the day after the permit runs out (or the year's start) to the
    year's end."""
    start = max(dt.date(renewal.period_year, 1, 1), renewal.permit.valid_until + dt.timedelta(days=1))
    end = dt.date(renewal.period_year, 12, 31)
    return (min(start, end), end)


@dataclass(frozen=True)
class Approval:
    approved_from: dt.date
    approved_until: dt.date
    fee: Decimal


def renewal_approve(
    *, renewal: RenewalRequest, staff, approved_from: dt.date, approved_until: dt.date, fee: Decimal, note: str = ""
) -> RenewalRequest:
    """Approve for the period [approved_from, approved_until] at ``fee``: bill it and SMS the e-payment number."""
    from payments.constants import ServiceType
    from payments.services import BillLineSpec, bill_create

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
                % {"date": renewal.permit.valid_until.isoformat()},
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
            actor_kind="staff",
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
        _sms(
            renewal=renewal,
            text=SMS_APPROVED,
            context={"amount": fee, "billing_number": bill.billing_number, "deadline": deadline_text(deadline_at)},
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
            actor_kind="staff",
            reason=reason[:300],
            public_note=reason,
            expected_status=RenewalStatus.SUBMITTED,
        )
        renewal_after_close(renewal=renewal)
        _sms(renewal=renewal, text=SMS_REFUSED, context={"reason": reason}, event="refused")
    return renewal


def renewal_after_close(*, renewal: RenewalRequest) -> None:
    """A refused or cancelled request frees its period and its unpaid bill."""
    from payments.services import bills_close_for_item

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
            _sms(renewal=renewal, text=SMS_EXPIRED, context={}, event="expired")


# --- payment --------------------------------------------------------------------------------------


def renewal_bill_paid(bill, payment) -> None:
    """eFAWATEERcom paid the renewal's bill: extend the permit, issue the renewed permit, SMS it.

    Called by payments inside the payment's transaction; raising leaves the payment queued for
    finance staff (e.g. the request was cancelled meanwhile).
    """
    from services.documents import code_display, document_issue

    renewal = RenewalRequest.objects.select_for_update().select_related("permit__contractor").get(bill=bill)
    if renewal.status == RenewalStatus.ISSUED:
        return
    if renewal.status != RenewalStatus.AWAITING_PAYMENT:
        raise ValidationError(f"renewal {renewal.reference} is {renewal.status}, not awaiting payment")
    permit = Permit.objects.select_for_update().select_related("contractor").get(pk=renewal.permit_id)
    permit.valid_until = max(permit.valid_until, renewal.approved_until)
    fields = ["valid_until", "updated_at"]
    if permit.status != "active":
        permit.status = "active"
        fields.append("status")
    permit.save(update_fields=fields)

    contractor = permit.contractor
    language = renewal.language or "ar"
    with translation.override(language):
        summary = [
            (_("Contractor"), f"{contractor.number} — {contractor.tr('name')}"),
            (_("Permit"), f"{permit.number}/{permit.year} — {permit.get_kind_display()}"),
            (_("Site"), permit.site),
            (_("Renewed from"), renewal.approved_from.isoformat()),
            (_("Renewed until"), renewal.approved_until.isoformat()),
            (_("Request"), renewal.reference),
        ]
        summary = [(str(label), value) for label, value in summary]
    document = document_issue(
        kind=DOCUMENT_KIND,
        template="contractors/documents/renewed_permit.html",
        context={"renewal": renewal, "permit": permit, "contractor": contractor, "bill": bill, "payment": payment},
        title=_("Renewed contractor permit"),
        summary=summary,
        owner_applicant=None if renewal.submitted_anonymously else renewal.applicant,
        owner_organisation=renewal.organisation,
        application=renewal,
        language=language,
    )
    application_transition(
        application=renewal,
        to_status=RenewalStatus.ISSUED,
        actor_kind="system",
        reason=_("Fee paid"),
        public_note=_("The renewed permit was issued."),
        expected_status=RenewalStatus.AWAITING_PAYMENT,
    )
    _sms(
        renewal=renewal,
        text=SMS_ISSUED,
        context={
            "permit": f"{permit.number}/{permit.year}",
            "until": renewal.approved_until.isoformat(),
            "code": code_display(document.code),
        },
        event="issued",
    )
