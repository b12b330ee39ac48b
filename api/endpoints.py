"""The app's endpoints. Thin, like the website's views: the same forms check input, the same
service functions do the work, the same selectors decide who sees what (someone else's object is
404, never 403), the same rate limits count."""

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited
from ninja import Query, Router, Status

from accounts.models import Membership
from accounts.party import Party, user_can_access
from api import schemas
from api.auth import api_party
from api.errors import ApiError, form_error
from api.models import ApiToken
from notifications.models import Notification
from payments import selectors as bill_selectors
from payments.constants import BillStatus
from payments.receipts import receipt_for_bill
from services.documents import code_display, code_normalise
from services.models import IssuedDocument
from services.selectors import application_for_user, applications_for_party
from violations import documents as violation_documents
from violations import services as violation_services
from violations.constants import InquiryKind
from violations.forms import LicenceInquiryForm, VehicleInquiryForm
from violations.ratelimits import inquiry_limited

ERRORS = {400: schemas.Error, 401: schemas.Error, 404: schemas.Error, 422: schemas.Error, 429: schemas.Error}
LIST_ERRORS = {401: schemas.Error, 422: schemas.Error}
LIMIT = Query(50, ge=1, le=100)
OFFSET = Query(0, ge=0, le=100_000)
# Status and service names are short slugs: anything else (a NUL byte, say) is refused, not looked up.
SLUG = Query("", max_length=40, pattern=r"^[a-z0-9_-]*$")


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _money(value) -> str:
    return f"{value:.3f}"


def _pdf(document) -> FileResponse:
    response = FileResponse(
        document.pdf.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.display_code}.pdf",
        content_type="application/pdf",
    )
    response["X-Document-Code"] = document.display_code
    response["Cache-Control"] = "private, no-store"
    return response


# --- sign-in ---------------------------------------------------------------------------------

auth_router = Router(tags=["sign-in"])


def _me(user, token: ApiToken) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name_ar")
    return {
        "id": user.pk,
        "name": user.display_name,
        "full_name_ar": user.full_name_ar,
        "full_name_en": user.full_name_en,
        "mobile": user.mobile,
        "language": user.language,
        "acting_for": token.organisation_id,
        "organisations": [
            {"id": m.organisation_id, "name_ar": m.organisation.name_ar, "role": m.role} for m in memberships
        ],
    }


@auth_router.post(
    "/token",
    auth=None,
    response={200: schemas.TokenOut, 403: schemas.Error, **ERRORS},
    summary="Sign in: get an app token",
)
def token_create(request, payload: schemas.LoginIn):
    """The same national, personal or mobile number and password as the website, counted by the
    same failed-sign-in lockout (django-axes)."""
    try:
        user = authenticate(request, username=payload.identifier.strip(), password=payload.password)
    except AxesBackendPermissionDenied:
        user = None
    if getattr(request, "axes_locked_out", False):
        # Answered here in JSON: stop axes' middleware from swapping in the website's HTML lockout page.
        request.axes_locked_out = False
        raise ApiError(429, "locked_out", _("Too many failed sign-in attempts. Wait 15 minutes and try again."))
    if user is None:
        raise ApiError(401, "bad_credentials", _("The number or the password is not correct."))
    if not user.mobile_verified:
        raise ApiError(
            403,
            "mobile_not_verified",
            _("Verify your mobile number on the portal website first, then sign in to the app."),
        )
    token, raw = ApiToken.issue(user=user, device=payload.device)
    return {"token": raw, "me": _me(user, token)}


@auth_router.delete("/token", response={204: None, 401: schemas.Error}, summary="Sign out: revoke this token")
def token_revoke(request):
    request.api_token.revoke()
    return Status(204, None)


me_router = Router(tags=["me"])


@me_router.get("", response={200: schemas.Me, 401: schemas.Error}, summary="Who is signed in, and whom they act for")
def me(request):
    api_party(request)  # drops a membership that was taken away
    return _me(request.user, request.api_token)


@me_router.put("/party", response={200: schemas.Me, **ERRORS}, summary="Act for oneself or an organisation")
def party_choose(request, payload: schemas.PartyIn):
    token = request.api_token
    if (
        payload.organisation_id is not None
        and not Membership.objects.filter(user=request.user, organisation_id=payload.organisation_id).exists()
    ):
        raise Http404
    token.organisation_id = payload.organisation_id
    token.save(update_fields=["organisation"])
    return _me(request.user, token)


# --- violations --------------------------------------------------------------------------------

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
        "amount": _money(violation.amount),
        "status": violation.status,
        "payable_now": violation.is_payable_now,
        "not_payable_reason": violation.not_payable_reason,
        "billing_number": billing_number,
    }


def _statement_out(statement) -> dict:
    return {
        "title": statement.title,
        "count": statement.count,
        "total": _money(statement.total),
        "payable_count": statement.payable_count,
        "payable_total": _money(statement.payable_total),
        "billing_number_all": statement.bills.all,
        "violations": [_violation(v, number) for v, number in statement.unpaid_rows],
        "paid": [_violation(v, None) for v, _none in statement.paid_rows],
    }


def _vehicle_subject(request, payload: schemas.VehicleInquiryIn, party: Party) -> dict:
    form = VehicleInquiryForm(payload.dict())
    if not form.is_valid():
        raise form_error(form)
    data = form.cleaned_data
    if inquiry_limited(
        request,
        subject=violation_services.plate_subject(plate_code=data["plate_code"], plate_number=data["plate_number"]),
    ):
        raise Ratelimited
    vehicle = violation_services.vehicle_inquire(
        user=request.user, organisation=party.organisation, ip=_ip(request), **data
    )
    if vehicle is None:
        # The same words whether the plate is unknown or the registration number is wrong.
        raise ApiError(404, "no_match", _(NO_VEHICLE))
    return {"kind": InquiryKind.VEHICLE, "id": vehicle.pk}


def _licence_subject(request, payload: schemas.LicenceInquiryIn, party: Party) -> dict:
    form = LicenceInquiryForm(payload.dict())
    if not form.is_valid():
        raise form_error(form)
    data = form.cleaned_data
    if inquiry_limited(request, subject=violation_services.licence_subject(number=data["licence_number"])):
        raise Ratelimited
    licence = violation_services.licence_inquire(
        user=request.user,
        organisation=party.organisation,
        ip=_ip(request),
        number=data["licence_number"],
        centre=data["centre"],
        category=data["category"],
    )
    if licence is None:
        raise ApiError(404, "no_match", _(NO_LICENCE))
    return {"kind": InquiryKind.LICENCE, "id": licence.pk}


def _statement(request, subject: dict, party: Party):
    statement = violation_services.statement_for_subject(
        subject=subject, payer=request.user, payer_name=party.name, organisation=party.organisation
    )
    if statement is None:
        raise Http404
    return statement


@violations_router.post("/vehicle", response={200: schemas.StatementOut, **ERRORS}, summary="Violations of a vehicle")
def vehicle_statement(request, payload: schemas.VehicleInquiryIn):
    """Plate code, plate number and the registration number from the vehicle licence: without a
    matching registration number nothing about the vehicle is shown."""
    party = api_party(request)
    return _statement_out(_statement(request, _vehicle_subject(request, payload, party), party))


@violations_router.post("/licence", response={200: schemas.StatementOut, **ERRORS}, summary="Violations of a licence")
def licence_statement(request, payload: schemas.LicenceInquiryIn):
    """An 8-digit licence number needs neither centre nor category; any other needs both."""
    party = api_party(request)
    return _statement_out(_statement(request, _licence_subject(request, payload, party), party))


def _statement_pdf(request, subject: dict, party: Party):
    statement = _statement(request, subject, party)
    document = violation_documents.statement_document_issue(
        statement=statement, owner=request.user, organisation=party.organisation
    )
    return _pdf(document)


@violations_router.post(
    "/vehicle/statement.pdf",
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
    summary="The vehicle's statement as a verifiable PDF",
)
def vehicle_statement_pdf(request, payload: schemas.VehicleInquiryIn):
    party = api_party(request)
    return _statement_pdf(request, _vehicle_subject(request, payload, party), party)


@violations_router.post(
    "/licence/statement.pdf",
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
    summary="The licence's statement as a verifiable PDF",
)
def licence_statement_pdf(request, payload: schemas.LicenceInquiryIn):
    party = api_party(request)
    return _statement_pdf(request, _licence_subject(request, payload, party), party)


# --- bills -------------------------------------------------------------------------------------

bills_router = Router(tags=["bills"])
BILL_LOOKUP_RATE = "60/m"


def _bill_limited(request) -> None:
    rate = getattr(settings, "PAYMENTS_BILL_LOOKUP_RATE", BILL_LOOKUP_RATE)
    if is_ratelimited(request, group="payments.bill", key="user", rate=rate, method=is_ratelimited.ALL, increment=True):
        raise Ratelimited


def _bill(bill) -> dict:
    paid = bill.status == BillStatus.PAID
    return {
        "billing_number": bill.billing_number,
        "service_type": bill.service_type,
        "description": bill.description,
        "amount": _money(bill.amount),
        "status": bill.effective_status,
        "status_label": str(bill.get_effective_status_display()),
        "payer_name": bill.payer_name,
        "issued_at": bill.issued_at,
        "due_at": bill.due_at,
        "expires_at": bill.expires_at,
        "paid_at": bill.paid_at,
        "lines": [{"description": line.description, "amount": _money(line.amount)} for line in bill.lines.all()],
        "receipt_url": reverse("api:bill_receipt", kwargs={"billing_number": bill.billing_number}) if paid else None,
    }


@bills_router.get("", response={200: list[schemas.BillOut], **LIST_ERRORS}, summary="The bills of the party")
def bills(request, status: str = SLUG, limit: int = LIMIT, offset: int = OFFSET):
    party = api_party(request)
    qs = bill_selectors.bills_for_party(party).order_by("-issued_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return [_bill(b) for b in qs[offset : offset + limit]]


@bills_router.get("/{billing_number}", response={200: schemas.BillOut, **ERRORS}, summary="One bill")
def bill(request, billing_number: str):
    _bill_limited(request)
    found = bill_selectors.bill_for_party(api_party(request), billing_number)
    if found is None:
        raise Http404
    return _bill(found)


@bills_router.get(
    "/{billing_number}/receipt.pdf",
    response={200: bytes, **ERRORS},
    url_name="bill_receipt",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
    summary="The financial receipt of a paid bill",
)
def bill_receipt(request, billing_number: str):
    _bill_limited(request)
    found = bill_selectors.bill_for_party(api_party(request), billing_number)
    if found is None or found.status != BillStatus.PAID:
        raise Http404
    return _pdf(receipt_for_bill(bill=found))


# --- applications, inbox, documents ------------------------------------------------------------

applications_router = Router(tags=["applications"])


def _application(application) -> dict:
    action = application.next_action()
    return {
        "reference": application.reference,
        "kind": application.kind,
        "service": application.service.tr("name") if application.service_id else application.kind,
        "status": application.status,
        "status_label": str(application.status_label),
        "submitted_at": application.submitted_at,
        "closed_at": application.closed_at,
        "deadline_at": application.deadline_at,
        "deadline_reason": _(application.deadline_reason) if application.deadline_reason else "",
        "next_action": str(action[0]) if action else None,
        "timeline": [
            {
                "at": event.created_at,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "label": str(event.to_label),
                "by": str(event.get_actor_kind_display()),
                "reason": _(event.reason) if event.reason else "",
                "note": event.public_note,
            }
            for event in application.events.all()
        ],
    }


@applications_router.get("", response={200: list[schemas.ApplicationOut], **LIST_ERRORS}, summary="My applications")
def applications(request, service: str = SLUG, status: str = SLUG, limit: int = LIMIT, offset: int = OFFSET):
    qs = applications_for_party(party=api_party(request), service_slug=service, status=status)
    return [_application(a) for a in qs[offset : offset + limit]]


@applications_router.get("/{reference}", response={200: schemas.ApplicationOut, **ERRORS}, summary="One application")
def application(request, reference: str):
    found = application_for_user(user=request.user, reference=reference)
    if found is None:
        raise Http404
    return _application(found)


inbox_router = Router(tags=["inbox"])


@inbox_router.get("", response={200: list[schemas.NotificationOut], **LIST_ERRORS}, summary="My messages")
def inbox(request, limit: int = LIMIT, offset: int = OFFSET):
    qs = Notification.objects.filter(recipient=request.user).select_related("application")
    rows = list(qs[offset : offset + limit])
    return [
        {
            "id": n.pk,
            "text": n.text,
            "created_at": n.created_at,
            "sms_status": n.status,
            "read": n.read_at is not None,
            "application": n.application.reference if n.application_id else None,
        }
        for n in rows
    ]


documents_router = Router(tags=["documents"])


@documents_router.get(
    "/{code}", auth=None, response={200: schemas.DocumentCheckOut, **ERRORS}, summary="Verify a document by its code"
)
def document_verify(request, code: str):
    """Public, like /verify/: anyone holding a printed document can check it is genuine."""
    rate = getattr(settings, "VERIFY_RATE", "30/m")
    if is_ratelimited(request, group="services.verify", key="ip", rate=rate, method=is_ratelimited.ALL, increment=True):
        raise Ratelimited
    canonical = code_normalise(code)
    if canonical is None:
        raise ApiError(400, "malformed_code", _("This is not a valid verification code. Check it for typing mistakes."))
    document = get_object_or_404(IssuedDocument, code=canonical)
    return {
        "code": code_display(canonical),
        "state": "genuine" if document.is_valid else "revoked",
        "title": document.title,
        "kind": document.kind,
        "issued_at": document.issued_at,
        "summary": [[str(label), str(value)] for label, value in document.summary],
    }


@documents_router.get(
    "/{code}/pdf",
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
    summary="Download one of my documents",
)
def document_pdf(request, code: str):
    canonical = code_normalise(code)
    document = IssuedDocument.objects.filter(code=canonical).first() if canonical else None
    if document is None or not user_can_access(
        request.user, applicant_id=document.owner_applicant_id, organisation_id=document.owner_organisation_id
    ):
        raise Http404
    if document.owner_applicant_id is None and document.owner_organisation_id is None:
        raise Http404
    return _pdf(document)
