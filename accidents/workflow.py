"""Every write of the accident claim service (seed 002), in the order of the card's steps.

Views, the admin, the payment hook and Celery call these functions only. Each status move goes
through ``services.workflow.application_transition`` (allowed-moves map, event, SMS after commit).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accidents.constants import (
    BILL_KIND,
    BILL_SERVICE_TYPE,
    DOCUMENT_KIND,
    KIND,
    LETTER_PERIOD,
    PAYMENT_PERIOD,
    SERVICE_SLUG,
    TRANSITIONS,
    ClaimStatus,
    DamagedProperty,
    Department,
    InsuranceState,
    PaymentMethod,
    Unit,
)
from accidents.inputs import policy_normalise, registration_normalise
from accidents.insurance import InsuranceUnavailableError, policy_check
from accidents.models import AccidentClaim, InsuranceCompany, ValuationItem
from accounts.party import Party
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
)
from services.workflow import register_workflow as _register_workflow

logger = logging.getLogger(__name__)

S = ClaimStatus
MONEY_PLACES = Decimal("0.001")
ACTOR_STAFF = "staff"
ACTOR_CITIZEN = "citizen"
ACTOR_SYSTEM = "system"

# --- SMS texts (rendered in the recipient's language; {reference} is always available) ----------
SMS_SUBMITTED = _(
    "Amman Municipality: your accident claim release request {reference} was received. "
    "We will text you once the damage is valued."
)
SMS_PAY_EXPIRED = _(
    "Amman Municipality: request {reference}: your vehicle's insurance is not active. Pay the damage of "
    "{amount} JOD with e-payment number {billing_number} by {deadline}, or the request is cancelled."
)
SMS_CHOOSE = _(
    "Amman Municipality: request {reference}: your vehicle's insurance is active. Choose on the portal how to "
    "pay the damage of {amount} JOD: personally or through your insurance company."
)
SMS_PAY_PERSONAL = _(
    "Amman Municipality: request {reference}: pay the damage of {amount} JOD with e-payment number "
    "{billing_number} by {deadline}. After paying, print the financial receipt from the portal for your insurer."
)
SMS_LETTER = _(
    "Amman Municipality: request {reference}: upload your insurance company's approval letter on the portal "
    "by {deadline}, or the request is cancelled."
)
SMS_LETTER_INVALID = _(
    "Amman Municipality: request {reference}: the insurer's letter was not accepted ({reason}). The request is cancelled."
)
SMS_RELEASED = _(
    "Amman Municipality: request {reference}: the claim on vehicle {plate} is released. "
    "Your release certificate is on the portal."
)
SMS_CANCELLED = _("Amman Municipality: request {reference} was cancelled: {reason}")

# Deadline reasons: the shared sweep sends them in its reminders ("... unless you act before then:
# {reason}.") and in the cancellation SMS ("... is now Cancelled: {reason}."), so they read as rules.
REASON_NOT_PAID = _("the damage must be paid within 3 days of the e-payment number")
REASON_NO_LETTER = _("the insurer's approval letter must be uploaded within 3 days")


@_register_workflow
class ClaimWorkflow(Workflow):
    kind = KIND
    statuses = ClaimStatus
    transitions = TRANSITIONS
    final = {S.RELEASED, S.CANCELLED}
    reference_prefix = "AC"
    next_action = {
        S.AWAITING_CHOICE: (_("Choose how to pay"), "accidents:choose"),
        S.AWAITING_LETTER: (_("Upload the insurer's letter"), "accidents:letter"),
        S.AWAITING_PAYMENT: (_("Pay the damage"), "accidents:pay"),
    }

    @classmethod
    def on_deadline(cls, application) -> None:
        claim_deadline_passed(claim=application)


# --- helpers ------------------------------------------------------------------------------------


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


def _lock(claim: AccidentClaim) -> AccidentClaim:
    """The claim as it is now, row locked (the parent row too, which is what the workflow locks)."""
    # select_related() of the nullable organisation would be an outer join, which FOR UPDATE refuses.
    return AccidentClaim.objects.select_for_update().get(pk=claim.pk)


# --- step 4: submit -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimData:
    plate_code: str
    plate_number: str
    registration_number: str
    accident_date: date
    accident_place: str
    damaged_property: list[str]
    police_report_number: str
    contact_mobile: str
    damage_description: str = ""
    insurer: InsuranceCompany | None = None
    policy_number: str = ""

    @classmethod
    def from_cleaned(cls, cleaned: dict) -> ClaimData:
        """From a valid ``ClaimForm``'s cleaned data (the website and the app API both submit one)."""
        fields = {name: cleaned[name] for name in cls.__dataclass_fields__}
        return cls(**{**fields, "damaged_property": list(cleaned["damaged_property"])})


def claim_submit(*, party: Party, data: ClaimData, sketch) -> AccidentClaim:
    """Step 4: the applicant submits the claim with the police sketch; SMS with the reference number.

    ``sketch`` is the uploaded file; it is checked by content and stored privately. Raises
    ValidationError (with field names where it can) and changes nothing when the claim is refused.
    """
    errors: dict[str, list] = {}
    if data.accident_date > timezone.localdate():
        errors["accident_date"] = [gettext("The accident date cannot be in the future.")]
    unknown = set(data.damaged_property) - set(DamagedProperty.values)
    if not data.damaged_property or unknown:
        errors["damaged_property"] = [gettext("Choose what was damaged.")]
    if sketch is None:
        errors["sketch"] = [gettext("Attach the police accident sketch.")]
    if data.policy_number and data.insurer is None:
        errors["insurer"] = [gettext("Choose the insurance company of this policy number.")]
    report = registration_normalise(data.police_report_number)
    if not report:
        errors["police_report_number"] = [gettext("Enter the police report number.")]
    if errors:
        raise ValidationError(errors)

    from services.uploads import upload_store

    with transaction.atomic():
        if AccidentClaim.objects.filter(open_report_key=report).exists():
            raise ValidationError(
                {"police_report_number": [gettext("A request for this police report is already open or released.")]}
            )
        try:
            stored = upload_store(
                file=sketch,
                kind="accident_sketch",
                applicant=party.user,
                organisation=party.organisation,
                allowed=("pdf", "jpeg", "png"),
            )
        except ValidationError as exc:
            raise ValidationError({"sketch": exc.messages}) from None
        try:
            with transaction.atomic():
                claim = application_create(
                    model=AccidentClaim,
                    applicant=party.user,
                    organisation=party.organisation,
                    service_slug=SERVICE_SLUG,
                    status=S.SUBMITTED,
                    actor_kind=ACTOR_CITIZEN,
                    sms=(SMS_SUBMITTED, {}),
                    plate_code=registration_normalise(data.plate_code),
                    plate_number=registration_normalise(data.plate_number),
                    registration_number=registration_normalise(data.registration_number),
                    accident_date=data.accident_date,
                    accident_place=data.accident_place.strip(),
                    damaged_property=sorted(set(data.damaged_property), key=DamagedProperty.values.index),
                    damage_description=data.damage_description.strip(),
                    police_report_number=report,
                    open_report_key=report,
                    sketch=stored,
                    declared_insurer=data.insurer,
                    declared_policy_number=policy_normalise(data.policy_number),
                    contact_mobile=data.contact_mobile,
                )
        except IntegrityError:
            # Two submissions of the same report at once: the unique index let only one through.
            if AccidentClaim.objects.filter(open_report_key=report).exists():
                stored.file.delete(save=False)
                raise ValidationError(
                    {"police_report_number": [gettext("A request for this police report is already open or released.")]}
                ) from None
            raise
    return claim


# --- step 5: valuation, then the insurance check -------------------------------------------------


@dataclass(frozen=True)
class ValuationLine:
    department: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = Unit.PIECE


def claim_value(*, claim: AccidentClaim, lines: list[ValuationLine], actor, public_note: str = "") -> AccidentClaim:
    """Step 5: staff of the concerned department value the damage item by item; the insurance check follows.

    Refuses (ValidationError, nothing changed) an empty valuation and any quantity, unit price or
    total of zero or less.
    """
    if not lines:
        raise ValidationError(gettext("Enter at least one damaged item."), code="empty")
    for line in lines:
        if not (line.description or "").strip():
            raise ValidationError(gettext("Every item needs a description."), code="description")
        if line.department not in Department.values or line.unit not in Unit.values:
            raise ValidationError(gettext("Choose a department and a unit for every item."), code="choice")
        if Decimal(line.quantity) <= 0:
            raise ValidationError(gettext("The quantity must be more than zero."), code="not_positive")
        if Decimal(line.unit_price) <= 0:
            raise ValidationError(gettext("The unit price must be more than zero."), code="not_positive")
    amounts = [_money(Decimal(line.quantity) * Decimal(line.unit_price)) for line in lines]
    total = sum(amounts, Decimal("0.000"))
    if total <= 0 or any(a <= 0 for a in amounts):
        raise ValidationError(gettext("The damage amount must be more than zero."), code="not_positive")

    with transaction.atomic():
        claim = _lock(claim)
        application_require_status(claim, S.SUBMITTED, message=gettext("This request has already been valued."))
        now = timezone.now()
        ValuationItem.objects.bulk_create(
            ValuationItem(
                claim=claim,
                position=position,
                department=line.department,
                description=line.description.strip(),
                quantity=Decimal(line.quantity),
                unit=line.unit,
                unit_price=_money(line.unit_price),
                amount=amount,
            )
            for position, (line, amount) in enumerate(zip(lines, amounts, strict=True))
        )
        claim.damage_amount = total
        claim.valued_at = now
        claim.valued_by = actor
        claim.save(update_fields=["damage_amount", "valued_at", "valued_by"])
        application_transition(
            application=claim,
            to_status=S.VALUED,
            actor=actor,
            actor_kind=ACTOR_STAFF,
            reason=_("Damage valued"),
            public_note=public_note,
            internal_note=f"{total} JOD, {len(lines)} item(s)",
        )
    try:
        return claim_insurance_check(claim=claim, actor=None)
    except InsuranceUnavailableError:
        # The valuation stands; the claim waits in the "insurance check" queue for a retry.
        logger.warning("insurance registry unavailable for claim %s; left valued", claim.reference)
        return claim


def claim_insurance_check(*, claim: AccidentClaim, actor=None) -> AccidentClaim:
    """Steps 5-7: read the vehicle's insurance; expired → bill and 3-day deadline; active → ask to choose.

    ``actor`` is the staff member who asked for a re-check, or None when it follows the valuation.
    Raises :class:`InsuranceUnavailableError` (nothing changed) when the registry cannot answer.
    """
    with transaction.atomic():
        claim = _lock(claim)
        application_require_status(claim, S.VALUED, message=gettext("The insurance is checked once, after valuation."))
        result = policy_check(
            registration_number=claim.registration_number,
            insurer_code=claim.declared_insurer.code if claim.declared_insurer_id else "",
            policy_number=claim.declared_policy_number,
            on_date=claim.accident_date,
        )
        now = timezone.now()
        claim.insurance_state = result.state
        claim.insurance_checked_at = now
        claim.insurance_insurer_name = result.insurer_name[:150]
        claim.insurance_policy_number = result.policy_number[:40]
        claim.insurance_valid_until = result.valid_until
        claim.insurance_detail = str(result.detail)[:300]
        claim.save(
            update_fields=[
                "insurance_state",
                "insurance_checked_at",
                "insurance_insurer_name",
                "insurance_policy_number",
                "insurance_valid_until",
                "insurance_detail",
            ]
        )
        actor_kind = ACTOR_STAFF if actor else ACTOR_SYSTEM
        if result.is_active:
            application_transition(
                application=claim,
                to_status=S.AWAITING_CHOICE,
                actor=actor,
                actor_kind=actor_kind,
                reason=_("Insurance active: the applicant chooses how to pay"),
                internal_note=f"{result.insurer_name} {result.policy_number}: {result.detail}",
                sms=(SMS_CHOOSE, {"amount": f"{claim.damage_amount:.3f}"}),
            )
        else:
            _bill_issue_and_wait(
                claim=claim,
                actor=actor,
                actor_kind=actor_kind,
                reason=_("Insurance not active: the damage is billed"),
                sms_text=SMS_PAY_EXPIRED,
                internal_note=str(result.detail),
            )
    return claim


def _bill_issue_and_wait(
    *, claim: AccidentClaim, actor, actor_kind: str, reason, sms_text, internal_note="", now=None
) -> None:
    """Steps 6/8: a bill for the valued damage, payable for 3 days; the claim waits for payment."""
    from payments.services import BillLineSpec, bill_create

    deadline = Deadline.after(PAYMENT_PERIOD, action=S.CANCELLED, reason=REASON_NOT_PAID, now=now)
    items = list(claim.items.order_by("position", "pk"))
    with translation.override("ar"):
        lines_ar = [f"{item.description} ({item.quantity.normalize():f} {item.get_unit_display()})" for item in items]
        description_ar = gettext("Accident damage to municipal property, request %(reference)s") % {
            "reference": claim.reference
        }
    with translation.override("en"):
        lines_en = [f"{item.description} ({item.quantity.normalize():f} {item.get_unit_display()})" for item in items]
        description_en = gettext("Accident damage to municipal property, request %(reference)s") % {
            "reference": claim.reference
        }
    bill = bill_create(
        kind=BILL_KIND,
        service_type=BILL_SERVICE_TYPE,
        lines=[
            BillLineSpec(
                description_ar=ar,
                description_en=en,
                amount=item.amount,
                item_key=f"accidents:{claim.pk}:item:{item.pk}",
                obj=item,
            )
            for item, ar, en in zip(items, lines_ar, lines_en, strict=True)
        ],
        payer_name=application_payer_name(claim),
        payer=claim.applicant,
        organisation=claim.organisation,
        expires_at=deadline.at,
        description_ar=description_ar,
        description_en=description_en,
    )
    claim.bill = bill
    claim.save(update_fields=["bill"])
    application_transition(
        application=claim,
        to_status=S.AWAITING_PAYMENT,
        actor=actor,
        actor_kind=actor_kind,
        reason=reason,
        internal_note=internal_note,
        deadline=deadline,
        sms=(
            sms_text,
            {
                "amount": f"{bill.amount:.3f}",
                "billing_number": bill.billing_number,
                "deadline": deadline_text(deadline.at),
            },
        ),
    )


# --- step 7: the applicant chooses how to pay -----------------------------------------------------


def claim_payment_choose(*, claim: AccidentClaim, party: Party, method: str) -> AccidentClaim:
    """Steps 8-9: personally → bill and 3 days to pay; through the insurer → 3 days to upload its letter.

    Chosen once: a second choice is refused and changes nothing.
    """
    if method not in PaymentMethod.values:
        raise ValidationError(gettext("Choose how to pay."), code="method")
    with transaction.atomic():
        claim = _lock(claim)
        application_require_party(claim, party)
        if claim.payment_method:
            raise TransitionError(
                gettext("You have already chosen how to pay for this request."),
                application=claim,
                from_status=claim.status,
            )
        application_require_status(
            claim, S.AWAITING_CHOICE, message=gettext("This request is not waiting for a choice of payment method.")
        )
        now = timezone.now()
        claim.payment_method = method
        claim.payment_chosen_at = now
        claim.save(update_fields=["payment_method", "payment_chosen_at"])
        if method == PaymentMethod.PERSONAL:
            _bill_issue_and_wait(
                claim=claim,
                actor=party.user,
                actor_kind=ACTOR_CITIZEN,
                reason=_("The applicant chose to pay personally"),
                sms_text=SMS_PAY_PERSONAL,
                now=now,
            )
        else:
            deadline = Deadline.after(LETTER_PERIOD, action=S.CANCELLED, reason=REASON_NO_LETTER, now=now)
            application_transition(
                application=claim,
                to_status=S.AWAITING_LETTER,
                actor=party.user,
                actor_kind=ACTOR_CITIZEN,
                reason=_("The applicant chose to pay through the insurance company"),
                deadline=deadline,
                sms=(SMS_LETTER, {"deadline": deadline_text(deadline.at)}),
            )
    return claim


# --- steps 9-10: the insurer's letter ------------------------------------------------------------


def claim_letter_upload(*, claim: AccidentClaim, party: Party, letter) -> AccidentClaim:
    """Step 9: the applicant uploads the insurer's approval letter; staff then review it.

    Refused (nothing stored) unless a letter is being asked for.
    """
    from services.uploads import upload_store

    with transaction.atomic():
        claim = _lock(claim)
        application_require_party(claim, party)
        application_require_status(
            claim, S.AWAITING_LETTER, message=gettext("No insurer's letter is being asked for on this request.")
        )
        if letter is None:
            raise ValidationError({"letter": [gettext("Attach the insurer's approval letter.")]})
        try:
            stored = upload_store(
                file=letter,
                kind="insurer_letter",
                applicant=party.user,
                organisation=party.organisation,
                allowed=("pdf", "jpeg", "png"),
            )
        except ValidationError as exc:
            raise ValidationError({"letter": exc.messages}) from None
        claim.letter = stored
        claim.letter_uploaded_at = timezone.now()
        claim.save(update_fields=["letter", "letter_uploaded_at"])
        application_transition(
            application=claim,
            to_status=S.LETTER_REVIEW,
            actor=party.user,
            actor_kind=ACTOR_CITIZEN,
            reason=_("The insurer's approval letter was uploaded"),
            deadline=CLEAR,
        )
    return claim


def claim_letter_decide(*, claim: AccidentClaim, actor, valid: bool, reason: str = "") -> AccidentClaim:
    """Step 10: staff check the letter; invalid cancels the request (with the reason, by SMS), valid releases it."""
    reason = (reason or "").strip()
    if not valid and not reason:
        raise ValidationError(gettext("Write why the letter is not valid: the applicant reads it."), code="reason")
    with transaction.atomic():
        claim = _lock(claim)
        application_require_status(
            claim, S.LETTER_REVIEW, message=gettext("There is no insurer's letter waiting for review.")
        )
        claim.letter_reviewed_at = timezone.now()
        claim.letter_reviewed_by = actor
        claim.letter_valid = valid
        claim.save(update_fields=["letter_reviewed_at", "letter_reviewed_by", "letter_valid"])
        if valid:
            _release(claim=claim, actor=actor, actor_kind=ACTOR_STAFF, reason=_("The insurer's letter is valid"))
        else:
            _cancel(
                claim=claim,
                actor=actor,
                actor_kind=ACTOR_STAFF,
                reason=reason,
                sms=(SMS_LETTER_INVALID, {"reason": reason}),
            )
    return claim


# --- step 11: release, payment hook, cancellation, deadlines -------------------------------------


def _release(*, claim: AccidentClaim, actor, actor_kind: str, reason, internal_note: str = "") -> None:
    claim.released_at = timezone.now()
    claim.save(update_fields=["released_at"])
    application_transition(
        application=claim,
        to_status=S.RELEASED,
        actor=actor,
        actor_kind=actor_kind,
        reason=reason,
        internal_note=internal_note,
        sms=(SMS_RELEASED, {"plate": claim.plate}),
    )
    claim_id = claim.pk
    transaction.on_commit(lambda: _certificate_enqueue(claim_id), robust=True)


def _certificate_enqueue(claim_id: int) -> None:
    from accidents.tasks import release_certificate_issue

    release_certificate_issue.delay(claim_id)


def claim_bill_paid(bill, payment) -> None:
    """Payments hook (``register_bill_handler``): a paid damage bill releases its claim (step 11).

    Called inside the payment's transaction with the bill locked. Raising makes the payments app keep
    the money and queue it for finance staff (contract rule 2): that is what must happen when the claim
    was cancelled meanwhile or the bill is not the one the claim waits for.
    """
    claim = AccidentClaim.objects.filter(bill=bill).first()
    if claim is None:
        raise LookupError(f"no accident claim for bill {bill.billing_number}")
    claim = _lock(claim)
    if claim.status != S.AWAITING_PAYMENT:
        raise TransitionError(
            gettext("The request is no longer waiting for payment."), application=claim, from_status=claim.status
        )
    _release(
        claim=claim,
        actor=None,
        actor_kind=ACTOR_SYSTEM,
        # A msgid (shown in each reader's language); the bill's number is on the claim's page already.
        reason=_("The damage was paid"),
        internal_note=f"bill {bill.billing_number}",
    )


def _close_bill(claim: AccidentClaim, *, reason: str) -> None:
    """A cancelled claim's open bill can no longer be paid (a later payment goes to finance staff)."""
    from payments.constants import BillStatus
    from payments.services import bill_close

    if claim.bill_id and claim.bill.status == BillStatus.OPEN:
        bill_close(bill=claim.bill, reason=reason)


def _free_report(claim: AccidentClaim) -> None:
    claim.open_report_key = None
    claim.save(update_fields=["open_report_key"])


def _cancel(*, claim: AccidentClaim, actor, actor_kind: str, reason, sms) -> None:
    application_transition(
        application=claim, to_status=S.CANCELLED, actor=actor, actor_kind=actor_kind, reason=reason, sms=sms
    )
    _close_bill(claim, reason=f"request {claim.reference} cancelled")
    _free_report(claim)


def claim_cancel(*, claim: AccidentClaim, actor, reason: str) -> AccidentClaim:
    """Staff cancel a request that is not final (e.g. the sketch shows no municipal property), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Write why the request is cancelled: the applicant reads it."), code="reason")
    with transaction.atomic():
        claim = _lock(claim)
        _cancel(
            claim=claim, actor=actor, actor_kind=ACTOR_STAFF, reason=reason, sms=(SMS_CANCELLED, {"reason": reason})
        )
    return claim


def claim_deadline_passed(*, claim: AccidentClaim) -> None:
    """``on_deadline`` hook: the sweep has just cancelled the claim (seed 002 notes 1 and 2) and texted
    the applicant the deadline's reason.

    Closes the unpaid bill so it can no longer be paid (a later payment is kept for finance staff) and
    frees the police report for a new request. Runs inside the sweep's transaction.
    """
    claim = _lock(claim)
    if claim.status != S.CANCELLED:
        return
    _close_bill(claim, reason=f"request {claim.reference} not paid within 3 days")
    _free_report(claim)


def claim_certificate_issue(*, claim_id: int):
    """The release certificate (step 11): an issued, verifiable PDF. Idempotent (once per claim)."""
    from services.documents import document_issue

    with transaction.atomic():
        claim = _lock(AccidentClaim(pk=claim_id))
        if claim.certificate_id is not None or claim.status != S.RELEASED:
            return claim.certificate
        language = (claim.applicant.language or "ar")[:2]
        with translation.override(language):
            summary = [
                (gettext("Request reference"), claim.reference),
                (gettext("Vehicle"), claim.plate),
                (gettext("Vehicle registration number"), claim.registration_number),
                (gettext("Accident date"), claim.accident_date.isoformat()),
                (gettext("Damage valued at"), f"{claim.damage_amount:.3f} JOD"),
                (gettext("Released on"), timezone.localtime(claim.released_at).strftime("%Y-%m-%d")),
            ]
        document = document_issue(
            kind=DOCUMENT_KIND,
            template="accidents/documents/release_certificate.html",
            context={
                "claim": claim,
                "items": list(claim.items.all()),
                "party_name": application_payer_name(claim),
            },
            title=_("Accident claim release certificate"),
            summary=summary,
            owner_applicant=claim.applicant,
            owner_organisation=claim.organisation,
            application=claim,
            language=language,
        )
        claim.certificate = document
        claim.save(update_fields=["certificate"])
    return document


# Kept for the admin's counts and for readers of the map: which statuses are the applicant's turn.
APPLICANT_TURN = {S.AWAITING_CHOICE, S.AWAITING_PAYMENT, S.AWAITING_LETTER}
STAFF_TURN = {S.SUBMITTED, S.VALUED, S.LETTER_REVIEW}
__all__ = [
    "APPLICANT_TURN",
    "STAFF_TURN",
    "ClaimData",
    "ClaimWorkflow",
    "InsuranceState",
    "ValuationLine",
    "claim_bill_paid",
    "claim_cancel",
    "claim_certificate_issue",
    "claim_deadline_passed",
    "claim_insurance_check",
    "claim_letter_decide",
    "claim_letter_upload",
    "claim_payment_choose",
    "claim_submit",
    "claim_value",
]
