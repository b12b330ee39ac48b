"""Profession licence splitting (seed 004) for the app: apply, the dues and their e-payment number,
inspection slots and booking, confirming corrections, the fees bill, the new licence.

The website's forms (``SplitForm``, ``BookingForm``, ``CorrectionsForm``) check the input, the
workflow functions do the work, the website's per-user rate limits count (the same counters), and a
request is looked up for the party the token acts for, as the website does: anybody else's is 404.
"""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja import Field, Router, Schema, Status

from api import schemas
from api.applications import application_out
from api.auth import api_party, party_application
from api.bills import bill_out
from api.common import ACTION_ERRORS, ERRORS, LIST_ERRORS, pdf_response
from api.errors import ApiError, form_error
from core.money import money_text
from core.ratelimit import limited
from licensing.constants import APPLY_RATE, APPLY_RATE_GROUP, BOOK_RATE, BOOK_RATE_GROUP, SplitStatus
from licensing.forms import BookingForm, CorrectionsForm, SplitForm
from licensing.models import Profession, SplitApplication
from licensing.selectors import licences_for_party, slots_available, split_bill_to_pay
from licensing.workflow import SplitData, split_apply, split_corrections_confirm, split_inspection_book
from services.selectors import application_for_user

router = Router(tags=["licence splitting"])


# --- schemas ------------------------------------------------------------------------------------


class ProfessionOut(Schema):
    id: int
    name: str
    needs_construction_certificate: bool
    approvals: list[str] = Field(..., description="External bodies whose approval the profession needs")
    fee: str | None = Field(..., description="The fee table's amount (JOD), or null when staff set it")


class LicenceOut(Schema):
    number: str
    profession: str
    trade_name: str
    address: str
    area_m2: str
    renewed_year: int
    status: str
    status_label: str
    in_force: bool


class SplitIn(Schema):
    licence_number: str = Field(..., min_length=1, max_length=20, description="One of GET /licensing/licences")
    deed_reference: str = Field(..., min_length=1, max_length=30, description="Title deed reference number")
    profession: int = Field(
        ..., ge=1, le=2_147_483_647, description="A profession's id from GET /licensing/professions"
    )
    construction_certificate_reference: str = Field(
        "", max_length=30, description="Required for professions that need a construction licence certificate"
    )
    trade_name: str = Field(..., min_length=1, max_length=200)
    area_m2: Decimal = Field(..., gt=0, max_digits=9, decimal_places=2, description="Area split off (m²)")


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    area: str
    label: str


class BookingIn(Schema):
    slot: int = Field(..., ge=1, le=2_147_483_647, description="A slot's id from GET /licensing/slots")


class CorrectionsIn(Schema):
    confirm: bool = Field(..., description="Must be true: everything the inspection listed is corrected")
    note: str = Field("", max_length=1000, description="What was done (optional)")


class ApprovalOut(Schema):
    body: str
    decision: str
    decision_label: str
    reason: str


class InspectionOut(Schema):
    slot: SlotOut
    state: str = Field(..., description="booked | cancelled | compliant | not_compliant")
    findings: str = Field(..., description="What to correct, when not compliant")
    corrections_confirmed: bool


class SplitOut(Schema):
    reference: str
    status: str
    status_label: str
    licence_number: str
    deed_reference: str
    construction_certificate_reference: str
    profession: str
    trade_name: str
    area_m2: str
    due_by: str | None = Field(..., description="End of the standard time (3 working days), once accepted")
    dues_amount: str | None
    dues_bill: schemas.BillOut | None = Field(..., description="The owner's dues on the property, to pay first")
    approvals: list[ApprovalOut]
    inspections: list[InspectionOut]
    fee_amount: str | None
    fees_bill: schemas.BillOut | None
    new_licence_number: str | None
    licence_document_code: str | None
    licence_url: str | None
    application: schemas.ApplicationOut


# --- helpers ------------------------------------------------------------------------------------


def _split_for(request, reference: str) -> SplitApplication:
    return party_application(
        request,
        SplitApplication,
        reference,
        "licence",
        "profession",
        "dues_bill",
        "fees_bill",
        "new_licence__document",
        "service",
    )


def _slot(slot) -> dict:
    return {"id": slot.pk, "starts_at": slot.starts_at, "ends_at": slot.ends_at, "area": slot.area, "label": str(slot)}


def _inspection_state(booking) -> str:
    if booking.cancelled_at:
        return "cancelled"
    return booking.result or "booked"


def _split_out(request, application: SplitApplication) -> dict:
    document = application.new_licence.document if application.new_licence_id else None
    return {
        "reference": application.reference,
        "status": application.status,
        "status_label": str(application.status_label),
        "licence_number": application.licence.number,
        "deed_reference": application.deed_reference,
        "construction_certificate_reference": application.construction_certificate_reference,
        "profession": application.profession.tr("name"),
        "trade_name": application.trade_name,
        "area_m2": f"{application.area_m2:f}",
        "due_by": application.due_by.isoformat() if application.due_by else None,
        "dues_amount": money_text(application.dues_amount) if application.dues_amount is not None else None,
        "dues_bill": bill_out(application.dues_bill) if application.dues_bill_id else None,
        "approvals": [
            {
                "body": a.body.tr("name"),
                "decision": a.decision,
                "decision_label": a.get_decision_display(),
                "reason": a.reason,
            }
            for a in application.approvals.select_related("body")
        ],
        "inspections": [
            {
                "slot": _slot(b.slot),
                "state": _inspection_state(b),
                "findings": b.findings,
                "corrections_confirmed": b.corrections_confirmed_at is not None,
            }
            for b in application.bookings.select_related("slot")
        ],
        "fee_amount": money_text(application.fee_amount) if application.fee_amount is not None else None,
        "fees_bill": bill_out(application.fees_bill) if application.fees_bill_id else None,
        "new_licence_number": application.new_licence.number if application.new_licence_id else None,
        "licence_document_code": document.display_code if document else None,
        "licence_url": f"/api/v1/licensing/splits/{application.reference}/licence.pdf" if document else None,
        "application": application_out(application_for_user(user=request.user, reference=application.reference)),
    }


# --- endpoints ----------------------------------------------------------------------------------


@router.get("/licences", response={200: list[LicenceOut], **LIST_ERRORS}, summary="My profession licences")
def licences(request):
    qs = licences_for_party(api_party(request)).select_related("profession").order_by("number")
    return [
        {
            "number": lic.number,
            "profession": lic.profession.tr("name"),
            "trade_name": lic.trade_name,
            "address": lic.address,
            "area_m2": f"{lic.area_m2:f}",
            "renewed_year": lic.renewed_year,
            "status": lic.status,
            "status_label": lic.get_status_display(),
            "in_force": lic.is_in_force,
        }
        for lic in qs
    ]


@router.get("/professions", response={200: list[ProfessionOut], 401: schemas.Error}, summary="Professions offered")
def professions(request):
    qs = Profession.objects.filter(is_active=True).prefetch_related("approvals")
    return [
        {
            "id": p.pk,
            "name": p.tr("name"),
            "needs_construction_certificate": p.needs_construction_certificate,
            "approvals": [b.tr("name") for b in p.approvals.all()],
            "fee": money_text(p.fee) if p.fee is not None else None,
        }
        for p in qs
    ]


@router.post("/splits", response={201: SplitOut, **ACTION_ERRORS}, summary="Apply to split a licence")
def split_create(request, payload: SplitIn):
    """The licence (active and renewed this year), the title deed, the new profession and the part
    split off. If the applicant owns the property and owes the municipality dues, the request waits
    for them (status awaiting_dues): `dues_bill` carries the amount and the e-payment number."""
    # The website's per-user counter (same group, rate, key and method as its @ratelimit).
    if limited(request, group=APPLY_RATE_GROUP, rates=APPLY_RATE, key="user", method="POST"):
        raise Ratelimited
    data = payload.dict()
    data["area_m2"] = str(data["area_m2"])
    form = SplitForm(data)
    if not form.is_valid():
        raise form_error(form)
    cleaned = form.cleaned_data
    application = split_apply(
        party=api_party(request),
        data=SplitData.from_cleaned(cleaned),
    )  # a refusal is a ValidationError naming its field: 422, like the form's own
    return Status(201, _split_out(request, _split_for(request, application.reference)))


@router.get("/splits/{reference}", response={200: SplitOut, **ERRORS}, summary="One split request")
def split_detail(request, reference: str):
    return _split_out(request, _split_for(request, reference))


@router.get(
    "/splits/{reference}/bill",
    response={200: schemas.BillOut, **ACTION_ERRORS},
    summary="The bill to pay now: the dues, or the fees once approved",
)
def split_bill(request, reference: str):
    """409 when there is nothing to pay in the request's current status."""
    return bill_out(split_bill_to_pay(application=_split_for(request, reference)))


@router.get("/slots", response={200: list[SlotOut], **LIST_ERRORS}, summary="Free inspection appointments")
def slots(request):
    return [_slot(s) for s in slots_available().order_by("starts_at", "pk")[:200]]


@router.post(
    "/splits/{reference}/booking",
    response={201: SplitOut, **ACTION_ERRORS},
    summary="Book an inspection appointment",
)
def split_book(request, reference: str, payload: BookingIn):
    """One of GET /licensing/slots, while the request waits for a booking (409 otherwise). An
    appointment somebody else has taken, or that is not offered, is 409 `slot_taken`: choose another."""
    if limited(request, group=BOOK_RATE_GROUP, rates=BOOK_RATE, key="user", method="POST"):
        raise Ratelimited
    application = _split_for(request, reference)
    if application.status != SplitStatus.AWAITING_BOOKING:
        raise ApiError(409, "wrong_status", _("This request is not waiting for an inspection booking."))
    form = BookingForm(payload.dict(), slots=slots_available())
    if not form.is_valid():
        raise _slot_error(form.errors.get("slot")) if "slot" in form.errors else form_error(form)
    try:
        split_inspection_book(
            application=application, slot=form.cleaned_data["slot"], actor=request.user, party=api_party(request)
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "slot" in exc.error_dict:
            raise _slot_error(exc.message_dict["slot"]) from None
        raise
    return Status(201, _split_out(request, _split_for(request, reference)))


def _slot_error(messages) -> ApiError:
    messages = [str(m) for m in messages]
    return ApiError(409, "slot_taken", messages[0], {"slot": messages})


@router.post(
    "/splits/{reference}/corrections",
    response={200: SplitOut, **ACTION_ERRORS},
    summary="Confirm the corrections the inspection asked for",
)
def split_corrections(request, reference: str, payload: CorrectionsIn):
    """Then book a new inspection. Only while the request waits for corrections (409 otherwise)."""
    application = _split_for(request, reference)
    if application.status != SplitStatus.AWAITING_CORRECTIONS:
        raise ApiError(409, "wrong_status", _("This request is not waiting for corrections."))
    form = CorrectionsForm(payload.dict() if payload.confirm else {"note": payload.note})
    if not form.is_valid():
        raise form_error(form)
    split_corrections_confirm(application=application, party=api_party(request), note=form.cleaned_data["note"])
    return _split_out(request, _split_for(request, reference))


@router.get(
    "/splits/{reference}/licence.pdf",
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
    summary="The new profession licence (PDF)",
)
def split_licence_pdf(request, reference: str):
    application = _split_for(request, reference)
    document = application.new_licence.document if application.new_licence_id else None
    if document is None:
        raise Http404
    return pdf_response(document)
