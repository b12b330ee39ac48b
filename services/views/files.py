"""Private file downloads and document verification (thin: they call ``services.documents``)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.party import user_can_access
from core.ratelimit import limited, too_many_requests
from services.documents import code_display, code_normalise, document_matches_pdf
from services.forms import VerifyUploadForm
from services.models import IssuedDocument, Upload


def _private_file_response(file, *, filename: str, content_type: str):
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _may_see(user, *, applicant_id, organisation_id, perm: str) -> bool:
    if user.has_perm(perm):
        return True
    if applicant_id is None and organisation_id is None:
        return False
    return user_can_access(user, applicant_id=applicant_id, organisation_id=organisation_id)


@login_required
@require_GET
def upload_download(request, uuid):
    upload = get_object_or_404(Upload, uuid=uuid)
    # Someone else's file is "not found", never "forbidden": its existence is not disclosed.
    if not _may_see(
        request.user,
        applicant_id=upload.applicant_id,
        organisation_id=upload.organisation_id,
        perm="services.view_upload",
    ):
        raise Http404
    if not upload.file:  # deleted under the retention rule (portal.retention): only its record remains
        raise Http404
    return _private_file_response(upload.file, filename=upload.original_name, content_type=upload.content_type)


@login_required
@require_GET
def document_download(request, code):
    canonical = code_normalise(code)
    if canonical is None:
        raise Http404
    document = get_object_or_404(IssuedDocument, code=canonical)
    if not _may_see(
        request.user,
        applicant_id=document.owner_applicant_id,
        organisation_id=document.owner_organisation_id,
        perm="services.view_issueddocument",
    ):
        raise Http404
    filename = f"{document.kind}-{document.display_code}.pdf"
    return _private_file_response(document.pdf, filename=filename, content_type="application/pdf")


def _verify_limited(request) -> bool:
    rate = getattr(settings, "VERIFY_RATE", "30/m")
    return limited(request, group="services.verify", rates=rate)


@never_cache
@require_GET
def verify_start(request):
    """The form where a person types the code printed under the QR code."""
    typed = request.GET.get("code", "").strip()
    error = ""
    if typed:
        if _verify_limited(request):
            return too_many_requests(request)
        canonical = code_normalise(typed)
        if canonical:
            return redirect("services:verify", code=code_display(canonical))
        error = _("This is not a valid verification code. Check it for typing mistakes.")
    return render(request, "services/verify_start.html", {"typed": typed, "error": error}, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, code):
    """Public: is the document with this code genuine, and what does it say?"""
    if _verify_limited(request):
        return too_many_requests(request)
    canonical = code_normalise(code)
    document = IssuedDocument.objects.filter(code=canonical).first() if canonical else None
    if canonical is None:
        state = "malformed"
    elif document is None:
        state = "unknown"
    elif not document.is_valid:
        state = "revoked"
    else:
        state = "genuine"
    form, comparison = None, None
    if document is not None:
        form = VerifyUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            comparison = document_matches_pdf(document=document, data=form.cleaned_data["pdf"].checked.data)
    context = {"state": state, "document": document, "typed": code, "form": form, "comparison": comparison}
    status = {"malformed": 400, "unknown": 404}.get(state, 200)
    return render(request, "services/verify.html", context, status=status)
