"""Issued documents for the app: anyone may verify one by its code; its owner may download it."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja import Router

from accounts.party import user_can_access
from api import schemas
from api.common import ERRORS, PDF, pdf_response
from api.errors import ApiError
from core.ratelimit import limited, setting_rate
from services.documents import code_display, code_normalise
from services.models import IssuedDocument

documents_router = Router(tags=["documents"])


@documents_router.get(
    "/{code}",
    auth=None,
    response={200: schemas.DocumentCheckOut, **ERRORS},
    summary="Verify a document by its code",
    operation_id="api_endpoints_document_verify",
)
def document_verify(request, code: str):
    """Public, like /verify/: anyone holding a printed document can check it is genuine."""
    if limited(request, group="services.verify", key="ip", rates=setting_rate("VERIFY_RATE", "30/m")):
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
    openapi_extra=PDF,
    summary="Download one of my documents",
    operation_id="api_endpoints_document_pdf",
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
    return pdf_response(document)
