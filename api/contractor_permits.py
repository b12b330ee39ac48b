"""Contractor permit renewal (seed 003) for the app: look a permit up, ask for its renewal, follow it.

The website's own pieces do the work: ``LookupForm`` and ``RenewalForm`` check the input, the
website's per-IP rate limits count (the same counters), ``lookup_outcome`` words the answer, and
``contractors.workflow.renewal_submit`` files the request. The view helpers are imported, not
copied, so the two channels cannot drift apart.

The website keeps the matched permit in the session between its two steps; the app has no session,
so the renewal names the permit again and is matched again — counted against the look-up's limit
too, so the second step cannot be used to probe the register faster than the first.
"""

from datetime import date

from django.http import Http404
from django.utils import translation
from django_ratelimit.exceptions import Ratelimited
from ninja import Field, Router, Schema, Status

from accounts.party import user_can_access
from api import schemas
from api.applications import application_out
from api.auth import api_party
from api.bills import bill_out
from api.common import ACTION_ERRORS, ERRORS, pdf_response
from api.errors import ApiError, form_error
from contractors.forms import LookupForm, RenewalForm
from contractors.models import RenewalRequest
from contractors.ratelimits import rate_limited
from contractors.selectors import lookup_miss_message, lookup_outcome, permit_find
from contractors.workflow import RenewalRefusedError, renewal_submit
from core.money import money_text
from core.phones import phone_local
from services.reference import reference_is_valid, reference_normalise
from services.selectors import application_for_user

router = Router(tags=["contractor permits"])


class PermitIn(Schema):
    contractor_number: str = Field(..., min_length=1, max_length=20, examples=["55501"])
    permit_number: str = Field(..., min_length=1, max_length=20, examples=["8841"])
    permit_year: str = Field(..., min_length=1, max_length=4, examples=["2026"])


class RenewalIn(PermitIn):
    period_year: int = Field(..., ge=1990, le=2100, description="One of the years the look-up offered")
    reason: str = Field(..., min_length=1, max_length=1000, description="Why the permit is renewed")
    phone: str = Field(
        "", max_length=20, description="Jordanian mobile for the SMS; empty: the account's verified mobile"
    )


class PermitOut(Schema):
    number: str
    year: int
    kind: str
    site: str
    valid_until: date
    status: str


class LookupOut(Schema):
    found: bool
    contractor_name: str
    contractor_number: str
    permit: PermitOut
    renewable: bool
    message: str
    years: list[int] = Field(..., description="Years a renewal can be asked for now")
    unavailable_years: list[int]


class RenewalOut(Schema):
    reference: str
    status: str
    status_label: str
    contractor_name: str
    permit: PermitOut
    period_year: int
    reason: str
    phone: str
    approved_from: date | None
    approved_until: date | None
    fee: str | None
    refusal_reason: str
    bill: schemas.BillOut | None
    document_code: str | None = Field(..., description="The renewed permit's verification code, once issued")
    document_url: str | None
    application: schemas.ApplicationOut


def _lookup(request, payload: PermitIn):
    """The permit and the website's answer about it; a miss is one 404 whatever was wrong."""
    form = LookupForm(payload.dict(include={"contractor_number", "permit_number", "permit_year"}))
    if not form.is_valid():
        raise form_error(form)
    if rate_limited(request, "lookup"):
        raise Ratelimited
    permit = permit_find(
        contractor_number=form.cleaned_data["contractor_number"],
        permit_number=form.cleaned_data["permit_number"],
        year=form.cleaned_data["permit_year"],
    )
    if permit is None:
        raise ApiError(404, "no_match", lookup_miss_message())
    return permit, lookup_outcome(permit)


def _lookup_out(outcome: dict) -> dict:
    permit = outcome["permit"]
    return {**outcome, "permit": {**permit, "valid_until": date.fromisoformat(permit["valid_until"])}}


@router.post("/lookup", response={200: LookupOut, **ERRORS}, summary="Find a permit and what can be renewed")
def permit_lookup(request, payload: PermitIn):
    """The contractor number, the permit number and its year: all three must match. Any mismatch gets
    the same 404 answer, so the look-up tells nothing about which value was wrong. Rate-limited per
    address like the website's look-up (the same counters)."""
    _permit, outcome = _lookup(request, payload)
    return _lookup_out(outcome)


def _renewal_out(request, renewal: RenewalRequest) -> dict:
    permit = renewal.permit
    document = renewal.renewed_permit()
    return {
        "reference": renewal.reference,
        "status": renewal.status,
        "status_label": str(renewal.status_label),
        "contractor_name": permit.contractor.tr("name"),
        "permit": {
            "number": permit.number,
            "year": permit.year,
            "kind": permit.get_kind_display(),
            "site": permit.site,
            "valid_until": permit.valid_until,
            "status": permit.get_status_display(),
        },
        "period_year": renewal.period_year,
        "reason": renewal.renewal_reason,
        "phone": phone_local(renewal.phone),
        "approved_from": renewal.approved_from,
        "approved_until": renewal.approved_until,
        "fee": money_text(renewal.fee) if renewal.fee is not None else None,
        "refusal_reason": renewal.refusal_reason,
        "bill": bill_out(renewal.bill) if renewal.bill_id else None,
        "document_code": document.display_code if document else None,
        "document_url": f"/api/v1/contractors/renewals/{renewal.reference}/permit.pdf" if document else None,
        "application": application_out(application_for_user(user=request.user, reference=renewal.reference)),
    }


@router.post(
    "/renewals",
    response={201: RenewalOut, **ACTION_ERRORS},
    summary="Ask for a permit's renewal",
)
def renewal_create(request, payload: RenewalIn):
    """The permit (matched again, as in the look-up), the year, the reason and the mobile for the SMS.

    No proof-of-work is asked: the website asks the browser of visitors who may not be signed in for
    one; the app's user is signed in with a token, and the request counts against the same per-address
    limits as the website's look-up and submission. A year already renewed or being renewed is 409."""
    permit, outcome = _lookup(request, payload)
    if not outcome["renewable"]:
        raise ApiError(409, "not_renewable", outcome["message"])
    data = payload.dict(include={"period_year", "reason", "phone"})
    if not data["phone"].strip():
        data["phone"] = phone_local(request.user.mobile)
    if rate_limited(request, "submit"):
        raise Ratelimited
    form = RenewalForm(data, years=outcome["years"])
    del form.fields["altcha"]  # see the docstring: a token stands for the proof-of-work
    if not form.is_valid():
        raise form_error(form)
    party = api_party(request)
    try:
        renewal = renewal_submit(
            permit=permit,
            period_year=form.cleaned_data["period_year"],
            reason=form.cleaned_data["reason"],
            phone=form.cleaned_data["phone"],
            user=request.user,
            organisation=party.organisation,
            language=translation.get_language() or "ar",
        )
    except RenewalRefusedError as exc:
        raise ApiError(409, exc.code or "not_renewable", exc.messages[0], {"period_year": exc.messages}) from None
    return Status(201, _renewal_out(request, _renewal_for(request, renewal.reference)))


def _renewal_for(request, reference: str) -> RenewalRequest:
    """The user's own request (or their organisation's); anybody else's, or one made without signing
    in (followed on the website with the phone number), is 404."""
    if not reference_is_valid(reference):
        raise Http404
    renewal = (
        RenewalRequest.objects.select_related("permit__contractor", "bill", "service")
        .filter(reference=reference_normalise(reference))
        .first()
    )
    if (
        renewal is None
        or renewal.submitted_anonymously
        or not user_can_access(request.user, applicant_id=renewal.applicant_id, organisation_id=renewal.organisation_id)
    ):
        raise Http404
    return renewal


@router.get("/renewals/{reference}", response={200: RenewalOut, **ERRORS}, summary="One renewal request")
def renewal_detail(request, reference: str):
    """Status, timeline, the fee's bill with its e-payment number once approved, and the renewed
    permit once the fee is paid."""
    return _renewal_out(request, _renewal_for(request, reference))


@router.get(
    "/renewals/{reference}/permit.pdf",
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
    summary="The renewed permit (PDF)",
)
def renewal_permit_pdf(request, reference: str):
    document = _renewal_for(request, reference).renewed_permit()
    if document is None:
        raise Http404
    return pdf_response(document)
