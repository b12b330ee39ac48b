"""Every write of the profession licence splitting service (seed 004), in the order of the card's steps.

Views, the admin, the payment hooks and Celery call these functions only. Each status move goes
through ``services.workflow.application_transition`` (allowed-moves map, event, SMS after commit).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.party import Party, party_owns
from licensing.constants import (
    BILL_KIND_DUES,
    BILL_KIND_FEES,
    BILL_SERVICE_TYPE_DUES,
    BILL_SERVICE_TYPE_FEES,
    DOCUMENT_KIND,
    DUES_PERIOD,
    FEES_PERIOD,
    KIND,
    SERVICE_SLUG,
    STANDARD_WORKING_DAYS,
    TRANSITIONS,
    ApprovalDecision,
    InspectionResult,
    LicenceStatus,
    SplitStatus,
)
from licensing.dues import dues_outstanding, dues_settle
from licensing.models import (
    ExternalApproval,
    ExternalBody,
    InspectionBooking,
    InspectionSlot,
    Profession,
    ProfessionLicence,
    SplitApplication,
)
from licensing.workdays import working_days_add
from services.workflow import (
    CLEAR,
    Deadline,
    TransitionError,
    Workflow,
    application_create,
    application_payer_name,
    application_require_party,
    application_require_status,
    application_transition,
    deadline_text,
    register_workflow,
)

logger = logging.getLogger(__name__)

S = SplitStatus
MONEY_PLACES = Decimal("0.001")
STAFF, CITIZEN, SYSTEM = "staff", "citizen", "system"

# --- SMS texts (rendered in the recipient's language; {reference} is always available) ----------
SMS_DUES = _(
    "Amman Municipality: before your licence split request {reference} can be accepted, pay the dues on the "
    "property of {amount} JOD with e-payment number {billing_number} by {deadline}."
)
SMS_ACCEPTED = _(
    "Amman Municipality: your licence split request was accepted. Request number: {reference}. "
    "Book an inspection appointment on the portal."
)
SMS_ACCEPTED_APPROVALS = _(
    "Amman Municipality: your licence split request was accepted. Request number: {reference}. "
    "External approval required from: {bodies}."
)
SMS_APPROVALS_DONE = _(
    "Amman Municipality: request {reference}: the external approvals were given. Book an inspection "
    "appointment on the portal."
)
SMS_REFUSED_BODY = _("Amman Municipality: request {reference} is refused: {body} did not approve ({reason}).")
SMS_INSPECTION = _(
    "Amman Municipality: request {reference}: the inspection of your premises is on {when}. Please be present."
)
SMS_CORRECT = _(
    "Amman Municipality: request {reference}: the inspection found the conditions not met. Please correct: "
    "{findings}. Then confirm on the portal and book a new inspection."
)
SMS_REFUSED_CIVIL_DEFENCE = _(
    "Amman Municipality: request {reference} is refused: the Civil Defence did not approve ({reason})."
)
SMS_FEES = _(
    "Amman Municipality: request {reference} is approved. Pay the licence fees of {amount} JOD with e-payment "
    "number {billing_number} by {deadline}."
)
SMS_ISSUED = _(
    "Amman Municipality: request {reference}: profession licence {number} is issued. Download it from the portal."
)
SMS_CANCELLED = _("Amman Municipality: request {reference} was cancelled: {reason}")

REASON_DUES_NOT_PAID = _("the dues on the property must be paid within 30 days")
REASON_FEES_NOT_PAID = _("the licence fees must be paid within 7 days of the e-payment number")


@register_workflow
class SplitWorkflow(Workflow):
    kind = KIND
    statuses = SplitStatus
    transitions = TRANSITIONS
    final = {S.ISSUED, S.REFUSED, S.CANCELLED}
    reference_prefix = "PL"
    next_action = {
        S.AWAITING_DUES: (_("Pay the dues"), "licensing:pay"),
        S.AWAITING_BOOKING: (_("Book an inspection"), "licensing:book"),
        S.AWAITING_CORRECTIONS: (_("Confirm the corrections"), "licensing:corrections"),
        S.AWAITING_PAYMENT: (_("Pay the fees"), "licensing:pay"),
    }

    @classmethod
    def on_deadline(cls, application) -> None:
        split_deadline_passed(application=application)


# --- helpers ------------------------------------------------------------------------------------


def _money(value) -> Decimal:
    return Decimal(value).quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


def _lock(application: SplitApplication) -> SplitApplication:
    return SplitApplication.objects.select_for_update().get(pk=application.pk)


def _owner_ids(party: Party) -> list[str]:
    if party.organisation is not None:
        return [party.organisation.establishment_number]
    return [party.user.national_id, party.user.personal_number]


def licences_for_party(party: Party):
    if party.organisation is not None:
        return ProfessionLicence.objects.filter(organisation=party.organisation)
    return ProfessionLicence.objects.filter(holder=party.user, organisation__isnull=True)


# --- step 1: apply -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitData:
    licence_number: str
    deed_reference: str
    profession: Profession
    trade_name: str
    area_m2: Decimal
    construction_certificate_reference: str = ""

    @classmethod
    def from_cleaned(cls, cleaned: dict) -> SplitData:
        """From a valid ``SplitForm``'s cleaned data (the website and the app API both submit one)."""
        return cls(**{name: cleaned[name] for name in cls.__dataclass_fields__})


def licence_check(*, party: Party, number: str) -> ProfessionLicence:
    """The party's own licence ``number``, in force (active and renewed this year) and not being split.

    Raises ValidationError with a message the applicant can act on.
    """
    licence = ProfessionLicence.objects.filter(number=number).select_related("profession").first()
    if licence is None or not party_owns(
        party, applicant_id=licence.holder_id, organisation_id=licence.organisation_id
    ):
        # Somebody else's licence looks exactly like a wrong number: its existence is not revealed.
        raise ValidationError(
            gettext("No licence with this number is held by you. Check the number on your licence."), code="not_yours"
        )
    if licence.status != LicenceStatus.ACTIVE:
        raise ValidationError(
            gettext("Licence %(number)s is %(status)s: only an active licence can be split.")
            % {"number": licence.number, "status": licence.get_status_display()},
            code="not_active",
        )
    if not licence.is_renewed:
        raise ValidationError(
            gettext("Licence %(number)s was last renewed for %(year)s: renew it for %(current)s before splitting it.")
            % {"number": licence.number, "year": licence.renewed_year, "current": timezone.localdate().year},
            code="not_renewed",
        )
    if SplitApplication.objects.filter(open_licence_key=licence.number).exists():
        raise ValidationError(
            gettext("Licence %(number)s already has a split request in progress.") % {"number": licence.number},
            code="already_splitting",
        )
    return licence


def split_apply(*, party: Party, data: SplitData) -> SplitApplication:
    """Step 1-3: check the licence and the references, then either ask for the owner's dues first
    (one e-payment number) or accept the request at once.

    Raises ValidationError (with field names) and changes nothing when the request is refused.
    """
    errors: dict[str, list] = {}
    number = (data.licence_number or "").strip().upper()
    deed = (data.deed_reference or "").strip().upper()
    certificate = (data.construction_certificate_reference or "").strip().upper()
    licence = None
    try:
        licence = licence_check(party=party, number=number)
    except ValidationError as exc:
        errors["licence_number"] = exc.error_list
    if not deed:
        errors["deed_reference"] = [gettext("Enter the title deed's reference number.")]
    profession = data.profession
    if profession is None or not profession.is_active:
        errors["profession"] = [gettext("Choose the new profession.")]
    elif profession.needs_construction_certificate and not certificate:
        errors["construction_certificate_reference"] = [
            gettext("%(profession)s needs a construction licence certificate: enter its reference number.")
            % {"profession": profession.tr("name")}
        ]
    if not (data.trade_name or "").strip():
        errors["trade_name"] = [gettext("Enter the trade name.")]
    area = Decimal(data.area_m2 or 0)
    if area <= 0:
        errors["area_m2"] = [gettext("The area must be more than zero.")]
    elif licence is not None and area >= licence.area_m2:
        errors["area_m2"] = [
            gettext("The part split off must be smaller than the licensed area (%(area)s m²).")
            % {"area": f"{licence.area_m2:f}"}
        ]
    if errors:
        raise ValidationError(errors)

    dues = dues_outstanding(owner_id_numbers=_owner_ids(party), deed_reference=deed)
    fields = {
        "licence": licence,
        "open_licence_key": licence.number,
        "deed_reference": deed,
        "construction_certificate_reference": certificate,
        "profession": profession,
        "trade_name": data.trade_name.strip(),
        "area_m2": area,
    }
    try:
        with transaction.atomic():
            if not dues:
                application = application_create(
                    model=SplitApplication,
                    applicant=party.user,
                    organisation=party.organisation,
                    service_slug=SERVICE_SLUG,
                    status=S.SUBMITTED,
                    actor_kind=CITIZEN,
                    reason=_("Request submitted"),
                    **fields,
                )
                _accept(application=application, actor=party.user, actor_kind=CITIZEN)
                return application
            total = sum((d.amount for d in dues), Decimal("0.000"))
            deadline = Deadline.after(DUES_PERIOD, action=S.CANCELLED, reason=REASON_DUES_NOT_PAID)
            application = application_create(
                model=SplitApplication,
                applicant=party.user,
                organisation=party.organisation,
                service_slug=SERVICE_SLUG,
                status=S.AWAITING_DUES,
                actor_kind=CITIZEN,
                reason=_("Request submitted: the owner's dues on the property must be paid first"),
                internal_note=f"{len(dues)} unpaid dues entr(y/ies), {total} JOD",
                deadline=deadline,
                dues_amount=total,
                **fields,
            )
            bill = _dues_bill(application=application, dues=dues, expires_at=deadline.at)
            application.dues_bill = bill
            application.save(update_fields=["dues_bill"])
            from notifications.outbox import notify

            notify(
                text=SMS_DUES,
                context={
                    "reference": application.reference,
                    "amount": f"{bill.amount:.3f}",
                    "billing_number": bill.billing_number,
                    "deadline": deadline_text(deadline.at),
                },
                recipient=application.applicant,
                dedupe_key=f"licensing:{application.pk}:dues",
                application=application,
            )
            return application
    except IntegrityError:
        # Two submissions for the same licence at once: the unique index let only one through.
        if SplitApplication.objects.filter(open_licence_key=number).exists():
            raise ValidationError(
                {
                    "licence_number": [
                        gettext("Licence %(number)s already has a split request in progress.") % {"number": number}
                    ]
                }
            ) from None
        raise


def _dues_bill(*, application: SplitApplication, dues, expires_at):
    from licensing.models import DuesEntry
    from payments.services import BillLineSpec, bill_create

    entries = {e.pk: e for e in DuesEntry.objects.filter(pk__in=[d.entry_id for d in dues])}
    lines = []
    for due in dues:
        with translation.override("ar"):
            ar = f"{due.kind_label} {due.year} — {application.deed_reference}"
        with translation.override("en"):
            en = f"{due.kind_label} {due.year} — {application.deed_reference}"
        lines.append(
            BillLineSpec(
                description_ar=ar, description_en=en, amount=due.amount, item_key=due.key, obj=entries[due.entry_id]
            )
        )
    with translation.override("ar"):
        description_ar = gettext("Municipal dues on the property, request %(reference)s") % {
            "reference": application.reference
        }
    with translation.override("en"):
        description_en = gettext("Municipal dues on the property, request %(reference)s") % {
            "reference": application.reference
        }
    return bill_create(
        kind=BILL_KIND_DUES,
        service_type=BILL_SERVICE_TYPE_DUES,
        lines=lines,
        payer_name=application_payer_name(application),
        payer=application.applicant,
        organisation=application.organisation,
        expires_at=expires_at,
        description_ar=description_ar,
        description_en=description_en,
    )


def _accept(*, application: SplitApplication, actor, actor_kind: str, reason=None) -> None:
    """Step 3: accepted → SMS with the request number; then the external approvals or the inspection."""
    now = timezone.now()
    application.accepted_at = now
    application.due_by = working_days_add(timezone.localdate(now), STANDARD_WORKING_DAYS)
    application.save(update_fields=["accepted_at", "due_by"])
    bodies = list(application.profession.approvals.all())
    if bodies:
        ExternalApproval.objects.bulk_create(ExternalApproval(application=application, body=b) for b in bodies)
        with translation.override((application.applicant.language or "ar")[:2]):
            names = "، ".join(b.tr("name") for b in bodies)
        application_transition(
            application=application,
            to_status=S.EXTERNAL_APPROVALS,
            actor=actor,
            actor_kind=actor_kind,
            reason=reason or _("Request accepted"),
            deadline=CLEAR,
            sms=(SMS_ACCEPTED_APPROVALS, {"bodies": names}),
        )
    else:
        application_transition(
            application=application,
            to_status=S.AWAITING_BOOKING,
            actor=actor,
            actor_kind=actor_kind,
            reason=reason or _("Request accepted"),
            deadline=CLEAR,
            sms=(SMS_ACCEPTED, {}),
        )


def split_dues_paid(bill, payment) -> None:
    """Payments hook for dues bills: the ledger entries are settled and the request accepted (step 2-3).

    Runs inside the payment's transaction with the bill locked; raising keeps the money for finance staff.
    """
    application = SplitApplication.objects.filter(dues_bill=bill).first()
    if application is None:
        raise LookupError(f"no licence split request for dues bill {bill.billing_number}")
    application = _lock(application)
    # The dues are owed whatever becomes of the request, so the payment settles them in any case (a
    # cancelled request's bill is closed, and the payments app keeps a payment on it for finance staff).
    dues_settle(entry_ids=[line.object_id for line in bill.lines.all() if line.object_id], bill=bill)
    if application.status != S.AWAITING_DUES:
        logger.warning(
            "dues bill %s paid for %s in status %s", bill.billing_number, application.reference, application.status
        )
        return
    _accept(
        application=application,
        actor=None,
        actor_kind=SYSTEM,
        reason=_("Dues paid (e-payment number %(number)s): request accepted") % {"number": bill.billing_number},
    )


# --- step 4: external approvals ------------------------------------------------------------------


def split_approval_record(
    *, application: SplitApplication, body: ExternalBody, approved: bool, actor, reason: str = ""
) -> SplitApplication:
    """Staff record one body's answer. A refusal ends the request (SMS); the last approval opens booking."""
    reason = (reason or "").strip()
    if not approved and not reason:
        raise ValidationError(gettext("Write the body's reason for refusing: the applicant reads it."), code="reason")
    with transaction.atomic():
        application = _lock(application)
        application_require_status(
            application, S.EXTERNAL_APPROVALS, message=gettext("This request is not waiting for external approvals.")
        )
        approval = ExternalApproval.objects.select_for_update().filter(application=application, body=body).first()
        if approval is None:
            raise ValidationError(gettext("This body's approval is not needed for this request."), code="body")
        if approval.decision != ApprovalDecision.PENDING:
            raise ValidationError(gettext("This body's answer is already recorded."), code="decided")
        approval.decision = ApprovalDecision.APPROVED if approved else ApprovalDecision.REFUSED
        approval.reason = reason[:300]
        approval.decided_at = timezone.now()
        approval.decided_by = actor
        approval.save()
        if not approved:
            with translation.override((application.applicant.language or "ar")[:2]):
                body_name = body.tr("name")
            _end(
                application=application,
                to_status=S.REFUSED,
                actor=actor,
                reason=_("%(body)s did not approve: %(reason)s") % {"body": body.tr("name"), "reason": reason},
                sms=(SMS_REFUSED_BODY, {"body": body_name, "reason": reason}),
            )
        elif not application.approvals.filter(decision=ApprovalDecision.PENDING).exists():
            application_transition(
                application=application,
                to_status=S.AWAITING_BOOKING,
                actor=actor,
                actor_kind=STAFF,
                reason=_("All external approvals given"),
                sms=(SMS_APPROVALS_DONE, {}),
            )
    return application


# --- step 5: inspection --------------------------------------------------------------------------


def slots_free(*, now=None):
    """Future slots that nobody holds (published or not: staff may assign any)."""
    taken = InspectionBooking.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True)
    return InspectionSlot.objects.filter(starts_at__gt=now or timezone.now()).exclude(Exists(taken))


def slots_available(*, now=None):
    """Published future slots that nobody holds: what the applicant may book."""
    return slots_free(now=now).filter(is_published=True)


def split_inspection_book(
    *, application: SplitApplication, slot: InspectionSlot, actor, party: Party | None = None
) -> InspectionBooking:
    """The applicant (``party``) books a published slot, or staff assign one; SMS with the appointment.

    A slot already taken is refused; the unique index settles two people booking it at the same moment.
    """
    with transaction.atomic():
        application = _lock(application)
        if party is not None:
            application_require_party(application, party)
        application_require_status(
            application, S.AWAITING_BOOKING, message=gettext("This request is not waiting for an inspection booking.")
        )
        if party is not None and not slot.is_published:
            raise ValidationError({"slot": [gettext("This appointment is not offered.")]})
        if slot.starts_at <= timezone.now():
            raise ValidationError({"slot": [gettext("This appointment has already passed: choose another.")]})
        try:
            with transaction.atomic():
                booking = InspectionBooking.objects.create(application=application, slot=slot, booked_by=actor)
        except IntegrityError:
            raise ValidationError(
                {"slot": [gettext("Somebody has just booked this appointment: choose another.")]}
            ) from None
        application_transition(
            application=application,
            to_status=S.INSPECTION_BOOKED,
            actor=actor,
            actor_kind=CITIZEN if party is not None else STAFF,
            reason=_("Inspection booked for %(when)s") % {"when": deadline_text(slot.starts_at)},
            sms=(SMS_INSPECTION, {"when": deadline_text(slot.starts_at)}),
        )
    return booking


def split_inspection_result(
    *, application: SplitApplication, compliant: bool, actor, findings: str = ""
) -> SplitApplication:
    """The inspector's result. Not compliant → SMS listing what to correct; compliant → Civil Defence."""
    findings = (findings or "").strip()
    if not compliant and not findings:
        raise ValidationError(gettext("List what the applicant must correct: they receive it by SMS."), code="findings")
    with transaction.atomic():
        application = _lock(application)
        application_require_status(
            application, S.INSPECTION_BOOKED, message=gettext("This request has no inspection booked.")
        )
        booking = InspectionBooking.objects.select_for_update().get(
            application=application, cancelled_at__isnull=True, result=""
        )
        booking.result = InspectionResult.COMPLIANT if compliant else InspectionResult.NOT_COMPLIANT
        booking.findings = findings
        booking.result_at = timezone.now()
        booking.result_by = actor
        booking.save()
        if compliant:
            application_transition(
                application=application,
                to_status=S.CIVIL_DEFENCE,
                actor=actor,
                actor_kind=STAFF,
                reason=_("Inspection: the premises comply"),
            )
        else:
            application_transition(
                application=application,
                to_status=S.AWAITING_CORRECTIONS,
                actor=actor,
                actor_kind=STAFF,
                reason=_("Inspection: the conditions are not met"),
                public_note=findings,
                sms=(SMS_CORRECT, {"findings": findings}),
            )
    return application


def split_corrections_confirm(*, application: SplitApplication, party: Party, note: str = "") -> SplitApplication:
    """The applicant confirms the corrections are made; a new inspection is then booked."""
    with transaction.atomic():
        application = _lock(application)
        application_require_party(application, party)
        application_require_status(
            application, S.AWAITING_CORRECTIONS, message=gettext("This request is not waiting for corrections.")
        )
        booking = (
            application.bookings.select_for_update()
            .filter(result=InspectionResult.NOT_COMPLIANT, corrections_confirmed_at__isnull=True)
            .order_by("-result_at")
            .first()
        )
        if booking is not None:
            booking.corrections_confirmed_at = timezone.now()
            booking.corrections_note = (note or "").strip()[:1000]
            booking.save(update_fields=["corrections_confirmed_at", "corrections_note"])
        application_transition(
            application=application,
            to_status=S.AWAITING_BOOKING,
            actor=party.user,
            actor_kind=CITIZEN,
            reason=_("The applicant confirmed the corrections"),
            public_note=(note or "").strip()[:1000],
        )
    return application


# --- step 6-7: Civil Defence and fees ------------------------------------------------------------


def split_civil_defence_decide(
    *, application: SplitApplication, approved: bool, actor, reason: str = "", reference: str = ""
) -> SplitApplication:
    """Civil Defence's answer: refusal ends the request (SMS); approval moves on to the fees."""
    reason = (reason or "").strip()
    if not approved and not reason:
        raise ValidationError(gettext("Write the Civil Defence's reason: the applicant reads it."), code="reason")
    with transaction.atomic():
        application = _lock(application)
        application_require_status(
            application, S.CIVIL_DEFENCE, message=gettext("This request is not waiting for the Civil Defence.")
        )
        application.civil_defence_decided_at = timezone.now()
        application.civil_defence_reference = (reference or "").strip()[:40]
        application.save(update_fields=["civil_defence_decided_at", "civil_defence_reference"])
        if not approved:
            _end(
                application=application,
                to_status=S.REFUSED,
                actor=actor,
                reason=_("The Civil Defence did not approve: %(reason)s") % {"reason": reason},
                sms=(SMS_REFUSED_CIVIL_DEFENCE, {"reason": reason}),
            )
        elif application.profession.fee:
            _fees_bill_and_wait(
                application=application,
                amount=application.profession.fee,
                actor=actor,
                reason=_("Civil Defence approved; fees from the fee table"),
            )
        else:
            application_transition(
                application=application,
                to_status=S.FEE_ASSESSMENT,
                actor=actor,
                actor_kind=STAFF,
                reason=_("Civil Defence approved"),
            )
    return application


def split_fee_set(*, application: SplitApplication, amount, actor) -> SplitApplication:
    """Staff set the fee of a profession without one in the fee table; SMS with the e-payment number."""
    amount = _money(amount)
    if amount <= 0:
        raise ValidationError(gettext("The fee must be more than zero."), code="not_positive")
    with transaction.atomic():
        application = _lock(application)
        application_require_status(
            application, S.FEE_ASSESSMENT, message=gettext("This request is not waiting for its fees.")
        )
        _fees_bill_and_wait(application=application, amount=amount, actor=actor, reason=_("Fees set by staff"))
    return application


def _fees_bill_and_wait(*, application: SplitApplication, amount: Decimal, actor, reason) -> None:
    from payments.services import BillLineSpec, bill_create

    deadline = Deadline.after(FEES_PERIOD, action=S.CANCELLED, reason=REASON_FEES_NOT_PAID)
    texts = {}
    for language in ("ar", "en"):
        with translation.override(language):
            texts[language] = (
                gettext("Profession licence fee: %(profession)s") % {"profession": application.profession.tr("name")},
                gettext("Profession licence split, request %(reference)s") % {"reference": application.reference},
            )
    bill = bill_create(
        kind=BILL_KIND_FEES,
        service_type=BILL_SERVICE_TYPE_FEES,
        lines=[
            BillLineSpec(
                description_ar=texts["ar"][0],
                description_en=texts["en"][0],
                amount=_money(amount),
                item_key=f"licensing:{application.pk}:fees",
            )
        ],
        payer_name=application_payer_name(application),
        payer=application.applicant,
        organisation=application.organisation,
        expires_at=deadline.at,
        description_ar=texts["ar"][1],
        description_en=texts["en"][1],
    )
    application.fee_amount = _money(amount)
    application.fee_set_by = actor
    application.fees_bill = bill
    application.save(update_fields=["fee_amount", "fee_set_by", "fees_bill"])
    application_transition(
        application=application,
        to_status=S.AWAITING_PAYMENT,
        actor=actor,
        actor_kind=STAFF,
        reason=reason,
        deadline=deadline,
        sms=(
            SMS_FEES,
            {
                "amount": f"{bill.amount:.3f}",
                "billing_number": bill.billing_number,
                "deadline": deadline_text(deadline.at),
            },
        ),
    )


def split_bill_to_pay(*, application: SplitApplication):
    """The bill the applicant should pay now: the dues, or the fees once approved. Refuses otherwise."""
    if application.status == S.AWAITING_DUES and application.dues_bill_id:
        return application.dues_bill
    if application.status == S.AWAITING_PAYMENT and application.fees_bill_id:
        return application.fees_bill
    raise TransitionError(
        gettext("There is nothing to pay now: the fees can be paid only once the request is approved."),
        application=application,
        from_status=application.status,
    )


# --- step 8: paid → the new licence --------------------------------------------------------------


def _new_licence_number(original: ProfessionLicence) -> str:
    n = original.splits.count() + 1
    while True:
        number = f"{original.number}-{n}"[:20]
        if not ProfessionLicence.objects.filter(number=number).exists():
            return number
        n += 1


def split_fees_paid(bill, payment) -> None:
    """Payments hook for fees bills: the new licence is issued and the original licence's record updated."""
    application = SplitApplication.objects.filter(fees_bill=bill).first()
    if application is None:
        raise LookupError(f"no licence split request for fees bill {bill.billing_number}")
    application = _lock(application)
    if application.status != S.AWAITING_PAYMENT:
        raise TransitionError(
            gettext("The request is no longer waiting for its fees."),
            application=application,
            from_status=application.status,
        )
    original = ProfessionLicence.objects.select_for_update().get(pk=application.licence_id)
    if application.area_m2 >= original.area_m2:
        raise ValidationError(gettext("The original licence no longer has room for this split."))
    new = ProfessionLicence.objects.create(
        number=_new_licence_number(original),
        holder=original.holder,
        organisation=original.organisation,
        profession=application.profession,
        trade_name=application.trade_name,
        address=original.address,
        area_m2=application.area_m2,
        renewed_year=timezone.localdate().year,
        split_from=original,
    )
    today = timezone.localdate().isoformat()
    original.area_m2 = original.area_m2 - application.area_m2
    original.notes = (
        original.notes
        + ("\n" if original.notes else "")
        + f"{today}: {application.area_m2:f} m² split off as licence {new.number} (request {application.reference})"
    )
    original.save(update_fields=["area_m2", "notes", "updated_at"])
    application.new_licence = new
    application.open_licence_key = None
    application.save(update_fields=["new_licence", "open_licence_key"])
    application_transition(
        application=application,
        to_status=S.ISSUED,
        actor=None,
        actor_kind=SYSTEM,
        reason=_("Fees paid (e-payment number %(number)s): licence %(licence)s issued")
        % {"number": bill.billing_number, "licence": new.number},
        sms=(SMS_ISSUED, {"number": new.number}),
    )
    application_id = application.pk
    transaction.on_commit(lambda: _document_enqueue(application_id), robust=True)


def _document_enqueue(application_id: int) -> None:
    from licensing.tasks import licence_document_issue

    licence_document_issue.delay(application_id)


def split_licence_document(*, application_id: int):
    """The new licence as an issued, verifiable PDF with a QR code. Idempotent (once per licence)."""
    from services.documents import document_issue

    with transaction.atomic():
        application = _lock(SplitApplication(pk=application_id))
        if application.status != S.ISSUED or application.new_licence_id is None:
            return None
        licence = ProfessionLicence.objects.select_for_update().get(pk=application.new_licence_id)
        if licence.document_id:
            return licence.document
        language = (application.applicant.language or "ar")[:2]
        holder = licence.organisation.name_ar if licence.organisation_id else licence.holder.display_name
        with translation.override(language):
            summary = [
                (gettext("Licence number"), licence.number),
                (gettext("Holder"), holder),
                (gettext("Profession"), licence.profession.tr("name")),
                (gettext("Trade name"), licence.trade_name),
                (gettext("Area (m²)"), f"{licence.area_m2:f}"),
                (gettext("Split from licence"), licence.split_from.number),
                (gettext("Valid for year"), str(licence.renewed_year)),
                (gettext("Request reference"), application.reference),
            ]
        document = document_issue(
            kind=DOCUMENT_KIND,
            template="licensing/documents/licence.html",
            context={"licence": licence, "application": application, "holder": holder},
            title=_("Profession licence"),
            summary=summary,
            owner_applicant=application.applicant,
            owner_organisation=application.organisation,
            application=application,
            language=language,
        )
        licence.document = document
        licence.save(update_fields=["document", "updated_at"])
    return document


# --- endings -------------------------------------------------------------------------------------


def _cleanup(application: SplitApplication, *, reason: str) -> None:
    """A request that ends without a licence: its open bills close, its slot is freed, the licence too."""
    from payments.constants import BillStatus
    from payments.services import bill_close

    for bill in (application.dues_bill, application.fees_bill):
        if bill is not None and bill.status == BillStatus.OPEN:
            bill_close(bill=bill, reason=reason)
    application.bookings.filter(cancelled_at__isnull=True, result="").update(cancelled_at=timezone.now())
    if application.open_licence_key is not None:
        application.open_licence_key = None
        application.save(update_fields=["open_licence_key"])


def _end(*, application: SplitApplication, to_status: str, actor, reason, sms, actor_kind: str = STAFF) -> None:
    application_transition(
        application=application, to_status=to_status, actor=actor, actor_kind=actor_kind, reason=reason, sms=sms
    )
    _cleanup(application, reason=f"request {application.reference} {to_status}")


def split_cancel(*, application: SplitApplication, actor, reason: str) -> SplitApplication:
    """Staff cancel a request that is not final, with a reason the applicant receives by SMS."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Write why the request is cancelled: the applicant reads it."), code="reason")
    with transaction.atomic():
        application = _lock(application)
        _end(
            application=application,
            to_status=S.CANCELLED,
            actor=actor,
            reason=reason,
            sms=(SMS_CANCELLED, {"reason": reason}),
        )
    return application


def split_deadline_passed(*, application: SplitApplication) -> None:
    """``on_deadline`` hook: the sweep has cancelled the request; close its bills and free the licence."""
    application = _lock(application)
    if application.status == S.CANCELLED:
        _cleanup(application, reason=f"request {application.reference} not paid in time")


__all__ = [
    "SplitData",
    "SplitWorkflow",
    "licence_check",
    "licences_for_party",
    "slots_available",
    "slots_free",
    "split_apply",
    "split_approval_record",
    "split_bill_to_pay",
    "split_cancel",
    "split_civil_defence_decide",
    "split_corrections_confirm",
    "split_deadline_passed",
    "split_dues_paid",
    "split_fee_set",
    "split_fees_paid",
    "split_inspection_book",
    "split_inspection_result",
    "split_licence_document",
]
