"""Accident claim release (seed 002) for the app: submit with the police sketch, choose how to pay,
upload the insurer's letter, the valuation, the bill and its receipt, the release certificate.

The website's forms (``ClaimForm``, ``PaymentChoiceForm``, ``LetterForm``) check the input, the
workflow functions do the work, the website's per-user rate limits count (the same counters), and
the claim is looked up for the party the token acts for, as the website does: anybody else's is 404.
"""

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from accidents.constants import (
    LETTER_RATE,
    LETTER_RATE_GROUP,
    SUBMIT_RATE,
    SUBMIT_RATE_GROUP,
    DamagedProperty,
    PaymentMethod,
)
from accidents.forms import ClaimForm, LetterForm, PaymentChoiceForm
from accidents.models import AccidentClaim, InsuranceCompany
from accidents.workflow import ClaimData, claim_letter_upload, claim_payment_choose, claim_submit
from api import schemas
from api.applications import application_out
from api.auth import api_party, party_application
from api.bills import bill_out
from api.common import ACTION_ERRORS, ERRORS, PDF, pdf_response
from api.errors import ApiError, form_error
from core.money import money_text
from core.phones import phone_local
from core.ratelimit import limited
from payments.constants import BillStatus
from payments.receipts import receipt_for_bill
from services.selectors import application_for_user

router = Router(tags=["accident claims"])


def _refuse_when_limited(request, group: str, rate: str) -> None:
    if limited(request, group=group, rates=rate, key="user", method="POST"):
        raise Ratelimited


# --- schemas ------------------------------------------------------------------------------------


class Choice(Schema):
    value: str
    label: str


class InsurerOut(Schema):
    id: int
    code: str
    name: str


class OptionsOut(Schema):
    damaged_property: list[Choice]
    payment_methods: list[Choice]
    insurers: list[InsurerOut]


class ClaimIn(Schema):
    plate_code: str = Field(..., min_length=1, max_length=4, examples=["10"])
    plate_number: str = Field(..., min_length=1, max_length=10, examples=["79210"])
    registration_number: str = Field(..., min_length=1, max_length=20, examples=["4412345"])
    accident_date: date
    accident_place: str = Field(..., min_length=1, max_length=200)
    damaged_property: list[str] = Field(
        ..., min_length=1, max_length=len(DamagedProperty.values), description="Values from GET /accidents/options"
    )
    damage_description: str = Field("", max_length=1000)
    police_report_number: str = Field(..., min_length=1, max_length=30)
    insurer: int | None = Field(None, ge=1, le=2_147_483_647, description="An insurer's id from GET /accidents/options")
    policy_number: str = Field("", max_length=40)
    contact_mobile: str = Field("", max_length=20, description="Empty: the account's verified mobile")


class MethodIn(Schema):
    method: str = Field(..., max_length=20, description="personal | insurer", examples=["personal"])


class ValuationItemOut(Schema):
    department: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: str


class InsuranceOut(Schema):
    state: str
    label: str
    insurer: str
    policy_number: str
    valid_until: date | None


class FileOut(Schema):
    name: str
    size: int
    content_type: str


class ClaimOut(Schema):
    reference: str
    status: str
    status_label: str
    plate: str
    registration_number: str
    accident_date: date
    accident_place: str
    damaged_property: list[Choice]
    damage_description: str
    police_report_number: str
    sketch: FileOut
    damage_amount: str | None = Field(..., description="The valued damage (JOD), once valued")
    valuation: list[ValuationItemOut] = Field(..., description="The valuation item by item")
    insurance: InsuranceOut | None
    payment_method: str = Field(..., description="'' until chosen, then personal | insurer")
    can_choose_payment_method: bool
    letter: FileOut | None
    letter_wanted: bool
    bill: schemas.BillOut | None
    receipt_url: str | None = Field(..., description="The financial receipt (for the insurer) once the bill is paid")
    certificate_code: str | None
    certificate_url: str | None
    application: schemas.ApplicationOut


# --- helpers ------------------------------------------------------------------------------------


def _claim_for(request, reference: str) -> AccidentClaim:
    return party_application(
        request, AccidentClaim, reference, "bill", "declared_insurer", "sketch", "letter", "certificate", "service"
    )


def _file(upload) -> dict | None:
    if upload is None:
        return None
    return {"name": upload.original_name, "size": upload.size, "content_type": upload.content_type}


def _claim_out(request, claim: AccidentClaim) -> dict:
    labels = dict(DamagedProperty.choices)
    base = f"/api/v1/accidents/claims/{claim.reference}"
    paid = claim.bill_id is not None and claim.bill.status == BillStatus.PAID
    insurance = None
    if claim.insurance_state:
        insurance = {
            "state": claim.insurance_state,
            "label": claim.get_insurance_state_display(),
            "insurer": claim.insurance_insurer_name,
            "policy_number": claim.insurance_policy_number,
            "valid_until": claim.insurance_valid_until,
        }
    return {
        "reference": claim.reference,
        "status": claim.status,
        "status_label": str(claim.status_label),
        "plate": claim.plate,
        "registration_number": claim.registration_number,
        "accident_date": claim.accident_date,
        "accident_place": claim.accident_place,
        "damaged_property": [{"value": v, "label": str(labels.get(v, v))} for v in claim.damaged_property],
        "damage_description": claim.damage_description,
        "police_report_number": claim.police_report_number,
        "sketch": _file(claim.sketch),
        "damage_amount": money_text(claim.damage_amount) if claim.damage_amount is not None else None,
        "valuation": [
            {
                "department": item.get_department_display(),
                "description": item.description,
                "quantity": f"{item.quantity.normalize():f}",
                "unit": item.get_unit_display(),
                "unit_price": money_text(item.unit_price),
                "amount": money_text(item.amount),
            }
            for item in claim.items.all()
        ],
        "insurance": insurance,
        "payment_method": claim.payment_method,
        "can_choose_payment_method": claim.status == "awaiting_choice",
        "letter": _file(claim.letter),
        "letter_wanted": claim.status == "awaiting_letter",
        "bill": bill_out(claim.bill) if claim.bill_id else None,
        "receipt_url": f"{base}/receipt.pdf" if paid else None,
        "certificate_code": claim.certificate.display_code if claim.certificate_id else None,
        "certificate_url": f"{base}/certificate.pdf" if claim.certificate_id else None,
        "application": application_out(application_for_user(user=request.user, reference=claim.reference)),
    }


# --- endpoints ----------------------------------------------------------------------------------


@router.get("/options", response={200: OptionsOut, 401: schemas.Error}, summary="Choices for a claim")
def options(request):
    """What can be damaged, how the damage can be paid, and the insurers to choose from."""
    return {
        "damaged_property": [{"value": v, "label": str(label)} for v, label in DamagedProperty.choices],
        "payment_methods": [{"value": v, "label": str(label)} for v, label in PaymentMethod.choices],
        "insurers": [
            {"id": c.pk, "code": c.code, "name": c.tr("name")} for c in InsuranceCompany.objects.filter(is_active=True)
        ],
    }


@router.post("/claims", response={201: ClaimOut, **ACTION_ERRORS}, summary="Submit a claim with the police sketch")
def claim_create(request, payload: Form[ClaimIn], sketch: File[UploadedFile]):
    """multipart/form-data: the fields below, `damaged_property` repeated once per value, and the
    police accident sketch (كروكة) as the file `sketch` — a PDF, JPEG or PNG, checked by its
    content. A second open claim for the same police report is refused."""
    _refuse_when_limited(request, SUBMIT_RATE_GROUP, SUBMIT_RATE)
    data = payload.dict()
    data["accident_date"] = data["accident_date"].isoformat()
    data["insurer"] = "" if data["insurer"] is None else str(data["insurer"])
    if not data["contact_mobile"].strip():
        data["contact_mobile"] = phone_local(request.user.mobile)
    form = ClaimForm(data, {"sketch": sketch}, user=request.user)
    if not form.is_valid():
        raise form_error(form)
    cleaned = form.cleaned_data
    claim = claim_submit(
        party=api_party(request),
        data=ClaimData.from_cleaned(cleaned),
        sketch=cleaned["sketch"],
    )  # a refusal is a ValidationError naming its field: 422, like the form's own
    return Status(201, _claim_out(request, _claim_for(request, claim.reference)))


@router.get("/claims/{reference}", response={200: ClaimOut, **ERRORS}, summary="One claim")
def claim_detail(request, reference: str):
    """Status and timeline, the valuation item by item, the insurance check, the bill with its
    e-payment number, the insurer's letter, and the release certificate."""
    return _claim_out(request, _claim_for(request, reference))


@router.post(
    "/claims/{reference}/payment-method",
    response={200: ClaimOut, **ACTION_ERRORS},
    summary="Choose how to pay: personally or through the insurer",
)
def claim_choose(request, reference: str, payload: MethodIn):
    """Only when the insurance is active (status awaiting_choice), and only once (409 otherwise).
    `personal`: a bill and three days to pay; `insurer`: three days to upload the insurer's letter."""
    claim = _claim_for(request, reference)
    form = PaymentChoiceForm(payload.dict())
    if not form.is_valid():
        raise form_error(form)
    claim_payment_choose(claim=claim, party=api_party(request), method=form.cleaned_data["method"])
    return _claim_out(request, _claim_for(request, reference))


@router.post(
    "/claims/{reference}/letter",
    response={200: ClaimOut, **ACTION_ERRORS},
    summary="Upload the insurer's approval letter",
)
def claim_letter(request, reference: str, letter: File[UploadedFile]):
    """multipart/form-data with the file `letter` (PDF, JPEG or PNG, checked by content); only while
    the letter is asked for (409 otherwise)."""
    _refuse_when_limited(request, LETTER_RATE_GROUP, LETTER_RATE)
    claim = _claim_for(request, reference)
    if claim.status != "awaiting_letter":
        # Refused before anything is read or stored, as on the website.
        raise ApiError(409, "wrong_status", _("No insurer's letter is being asked for on this request."))
    form = LetterForm({}, {"letter": letter})
    if not form.is_valid():
        raise form_error(form)
    claim_letter_upload(claim=claim, party=api_party(request), letter=form.cleaned_data["letter"])
    return _claim_out(request, _claim_for(request, reference))


@router.get("/claims/{reference}/bill", response={200: schemas.BillOut, **ERRORS}, summary="The claim's bill")
def claim_bill(request, reference: str):
    claim = _claim_for(request, reference)
    if claim.bill is None:
        raise Http404
    return bill_out(claim.bill)


@router.get(
    "/claims/{reference}/receipt.pdf",
    response={200: bytes, **ERRORS},
    openapi_extra=PDF,
    summary="The financial receipt of the paid damage (for the insurer)",
)
def claim_receipt(request, reference: str):
    claim = _claim_for(request, reference)
    if claim.bill is None or claim.bill.status != BillStatus.PAID:
        raise Http404
    return pdf_response(receipt_for_bill(bill=claim.bill))


@router.get(
    "/claims/{reference}/certificate.pdf",
    response={200: bytes, **ERRORS},
    openapi_extra=PDF,
    summary="The release certificate",
)
def claim_certificate(request, reference: str):
    claim = _claim_for(request, reference)
    if claim.certificate is None:
        raise Http404
    return pdf_response(claim.certificate)
