"""Traffic violations for the app: the statement of a vehicle or a driving licence, and its PDF.

The website's inquiry forms check the input, the same rate limits count (the same counters), and
the statement is built by the same workflow function, with the same e-payment numbers.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from accounts.party import Party
from api import schemas
from api.auth import api_party
from api.common import ERRORS, PDF, pdf_response
from api.errors import ApiError, form_error
from core.money import money_text
from violations import documents as violation_documents
from violations import workflow as violation_workflow
from violations.constants import InquiryKind
from violations.forms import LicenceInquiryForm, VehicleInquiryForm
from violations.inquiries import licence_inquiry, vehicle_inquiry

violations_router = Router(tags=["violations"])

NO_VEHICLE = (
    "No vehicle matches this plate and registration number. Check the plate code, the vehicle "
    "number and the registration number on the vehicle licence."
)
NO_LICENCE = "No driving licence matches these details. Check the number, centre and category."


def _violation(violation, billing_number) -> dict:
    return {
        "number": violation.number,
        "offence": violation.offence,
        "offence_ar": violation.offence_ar,
        "offence_en": violation.offence_en,
        "article": violation.article,
        "issued_at": violation.issued_at,
        "place": violation.location,
        "issuer": violation.get_issuer_display(),
        "plate": violation.vehicle.plate if violation.vehicle_id else "",
        "amount": money_text(violation.amount),
        "status": violation.status,
        "payable_now": violation.is_payable_now,
        "not_payable_reason": violation.not_payable_reason,
        "billing_number": billing_number,
    }


def _statement_out(statement) -> dict:
    return {
        "title": statement.title,
        "count": statement.count,
        "total": money_text(statement.total),
        "payable_count": statement.payable_count,
        "payable_total": money_text(statement.payable_total),
        "billing_number_all": statement.bills.all,
        "violations": [_violation(v, number) for v, number in statement.unpaid_rows],
        "paid": [_violation(v, None) for v, _none in statement.paid_rows],
    }


def _vehicle_subject(request, payload: schemas.VehicleInquiryIn, party: Party) -> dict:
    form = VehicleInquiryForm(payload.dict())
    if not form.is_valid():
        raise form_error(form)
    vehicle = vehicle_inquiry(request, party=party, data=form.cleaned_data)
    if vehicle is None:
        # The same words whether the plate is unknown or the registration number is wrong.
        raise ApiError(404, "no_match", _(NO_VEHICLE))
    return {"kind": InquiryKind.VEHICLE, "id": vehicle.pk}


def _licence_subject(request, payload: schemas.LicenceInquiryIn, party: Party) -> dict:
    form = LicenceInquiryForm(payload.dict())
    if not form.is_valid():
        raise form_error(form)
    licence = licence_inquiry(request, party=party, data=form.cleaned_data)
    if licence is None:
        raise ApiError(404, "no_match", _(NO_LICENCE))
    return {"kind": InquiryKind.LICENCE, "id": licence.pk}


def _statement(request, subject: dict, party: Party):
    statement = violation_workflow.statement_for_subject(
        subject=subject, payer=request.user, payer_name=party.name, organisation=party.organisation
    )
    if statement is None:
        raise Http404
    return statement


@violations_router.post(
    "/vehicle",
    response={200: schemas.StatementOut, **ERRORS},
    summary="Violations of a vehicle",
    operation_id="api_endpoints_vehicle_statement",
)
def vehicle_statement(request, payload: schemas.VehicleInquiryIn):
    """Plate code, plate number and the registration number from the vehicle licence: without a
    matching registration number nothing about the vehicle is shown."""
    party = api_party(request)
    return _statement_out(_statement(request, _vehicle_subject(request, payload, party), party))


@violations_router.post(
    "/licence",
    response={200: schemas.StatementOut, **ERRORS},
    summary="Violations of a licence",
    operation_id="api_endpoints_licence_statement",
)
def licence_statement(request, payload: schemas.LicenceInquiryIn):
    """An 8-digit licence number needs neither centre nor category; any other needs both."""
    party = api_party(request)
    return _statement_out(_statement(request, _licence_subject(request, payload, party), party))


def _statement_pdf(request, subject: dict, party: Party):
    statement = _statement(request, subject, party)
    document = violation_documents.statement_document_issue(
        statement=statement, owner=request.user, organisation=party.organisation
    )
    return pdf_response(document)


@violations_router.post(
    "/vehicle/statement.pdf",
    response={200: bytes, **ERRORS},
    openapi_extra=PDF,
    summary="The vehicle's statement as a verifiable PDF",
    operation_id="api_endpoints_vehicle_statement_pdf",
)
def vehicle_statement_pdf(request, payload: schemas.VehicleInquiryIn):
    party = api_party(request)
    return _statement_pdf(request, _vehicle_subject(request, payload, party), party)


@violations_router.post(
    "/licence/statement.pdf",
    response={200: bytes, **ERRORS},
    openapi_extra=PDF,
    summary="The licence's statement as a verifiable PDF",
    operation_id="api_endpoints_licence_statement_pdf",
)
def licence_statement_pdf(request, payload: schemas.LicenceInquiryIn):
    party = api_party(request)
    return _statement_pdf(request, _licence_subject(request, payload, party), party)
