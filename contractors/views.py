"""Public pages of the contractor permit renewal: look up, request, follow.

The look-up answers the same way for every miss (one query, one message, one response shape), is
rate-limited per IP on the shared cache, and hands the matched permit to the next step through the
session, so the request form never re-checks typed values (and cannot be used to probe the register;
it also needs the browser's proof-of-work: core.proofofwork, no puzzle to read or hear).
"""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.party import party_for_request, user_can_access
from contractors.forms import RENEWAL_POW_PURPOSE, LookupForm, RenewalForm, TrackForm
from contractors.models import Permit, RenewalRequest
from contractors.ratelimits import rate_limited
from contractors.selectors import (
    lookup_miss_message,
    lookup_outcome,
    permit_find,
    renewal_periods,
    renewal_track,
)
from contractors.workflow import RenewalRefusedError, renewal_submit
from core.phones import phone_local
from core.proofofwork import challenge_new, widget_configuration_json, widget_strings_json
from core.ratelimit import too_many_requests, wants_json
from payments.constants import BillStatus
from payments.receipts import receipt_for_bill

LOOKUP_SESSION_KEY = "contractors_lookup"
TRACK_SESSION_KEY = "contractors_tracked"
LOOKUP_TTL_SECONDS = 30 * 60
MAX_TRACKED = 20


def _too_many(request, *, json: bool = False):
    """The portal's 429 page, or its JSON twin for the page's fetch() calls (and the widget's)."""
    if json or wants_json(request):
        return JsonResponse(
            {"error": _("Too many attempts in a short time. Please wait a few minutes and try again.")}, status=429
        )
    return too_many_requests(request)


# --- the matched permit, held in the session between the two steps --------------------------------


def _lookup_store(request, permit: Permit) -> None:
    request.session[LOOKUP_SESSION_KEY] = {
        "permit_id": permit.pk,
        "expires": timezone.now().timestamp() + LOOKUP_TTL_SECONDS,
    }


def _lookup_clear(request) -> None:
    request.session.pop(LOOKUP_SESSION_KEY, None)


def _lookup_permit(request) -> Permit | None:
    stored = request.session.get(LOOKUP_SESSION_KEY)
    if not stored or timezone.now().timestamp() > stored.get("expires", 0):
        return None
    return Permit.objects.select_related("contractor").filter(pk=stored["permit_id"]).first()


def _renewal_form(request, *, permit: Permit | None, data=None, years=None) -> RenewalForm:
    if years is None:
        years = renewal_periods(permit=permit).available
    initial = {}
    if request.user.is_authenticated and request.user.mobile:
        initial["phone"] = phone_local(request.user.mobile)
    return RenewalForm(data, years=years, initial=initial)


def _render_page(request, *, lookup_form, permit=None, renewal_form=None, outcome=None, status=200):
    """The one page of the service: step 1 always, step 2 once a renewable permit was found."""
    context = {
        "lookup_form": lookup_form,
        "permit": permit,
        "renewal_form": renewal_form,
        # Without a permit yet, step 2 is rendered hidden and empty: renew.js fills and shows it.
        "form_for_step2": renewal_form or _renewal_form(request, permit=None, years=[]),
        "outcome": outcome,
        "pow_strings": widget_strings_json(),
        "pow_configuration": widget_configuration_json(),
        "template_found": {"found": True, "permit": {}, "message": ""},
        "template_miss": {"found": False, "message": lookup_miss_message()},
    }
    return render(request, "contractors/renew.html", context, status=status)


# --- step 1 ------------------------------------------------------------------------------------


@never_cache
@require_GET
def renew(request):
    permit = _lookup_permit(request)
    if permit is None:
        return _render_page(request, lookup_form=LookupForm())
    lookup_form = LookupForm(
        initial={
            "contractor_number": permit.contractor.number,
            "permit_number": permit.number,
            "permit_year": permit.year,
        }
    )
    outcome = lookup_outcome(permit)
    form = _renewal_form(request, permit=permit, years=outcome["years"]) if outcome["renewable"] else None
    return _render_page(request, lookup_form=lookup_form, permit=permit, renewal_form=form, outcome=outcome)


@never_cache
@require_POST
def lookup(request):
    """Step 1 (fetch() from the page, or a plain form post without JavaScript)."""
    if rate_limited(request, "lookup"):
        return _too_many(request)
    form = LookupForm(request.POST)
    if not form.is_valid():
        if wants_json(request):
            return JsonResponse({"found": False, "errors": form.errors.get_json_data()}, status=400)
        return _render_page(request, lookup_form=form)
    permit = permit_find(
        contractor_number=form.cleaned_data["contractor_number"],
        permit_number=form.cleaned_data["permit_number"],
        year=form.cleaned_data["permit_year"],
    )
    outcome = lookup_outcome(permit)
    if not outcome["renewable"]:
        _lookup_clear(request)
        if wants_json(request):
            return JsonResponse(outcome)
        return _render_page(request, lookup_form=form, permit=permit, outcome=outcome)
    _lookup_store(request, permit)
    if wants_json(request):
        return JsonResponse(outcome)
    return redirect("contractors:renew")


# --- step 2 ------------------------------------------------------------------------------------


def _grant_tracking(request, renewal: RenewalRequest) -> None:
    granted = [ref for ref in request.session.get(TRACK_SESSION_KEY, []) if ref != renewal.reference]
    request.session[TRACK_SESSION_KEY] = [renewal.reference, *granted][:MAX_TRACKED]


@never_cache
@require_POST
def submit(request):
    permit = _lookup_permit(request)
    if permit is None:
        messages.error(request, _("Look up the permit first: the details you entered have expired."))
        return redirect("contractors:renew")
    lookup_form = LookupForm(
        initial={
            "contractor_number": permit.contractor.number,
            "permit_number": permit.number,
            "permit_year": permit.year,
        }
    )
    outcome = lookup_outcome(permit)
    if not outcome["renewable"]:
        _lookup_clear(request)
        return _render_page(request, lookup_form=lookup_form, permit=permit, outcome=outcome)
    form = _renewal_form(request, permit=permit, data=request.POST, years=outcome["years"])
    if rate_limited(request, "submit"):
        return _too_many(request)
    if not form.is_valid():
        return _render_page(
            request, lookup_form=lookup_form, permit=permit, renewal_form=form, outcome=outcome, status=200
        )
    party = party_for_request(request) if request.user.is_authenticated else None
    try:
        renewal = renewal_submit(
            permit=permit,
            period_year=form.cleaned_data["period_year"],
            reason=form.cleaned_data["reason"],
            phone=form.cleaned_data["phone"],
            user=request.user if request.user.is_authenticated else None,
            organisation=party.organisation if party else None,
            language=translation.get_language() or "ar",
        )
    except RenewalRefusedError as exc:
        form.add_error("period_year", exc)
        return _render_page(request, lookup_form=lookup_form, permit=permit, renewal_form=form, outcome=outcome)
    _lookup_clear(request)
    _grant_tracking(request, renewal)
    messages.success(
        request,
        _("Your request was received. Its reference number is %(reference)s; we sent it by SMS to %(phone)s.")
        % {"reference": renewal.reference, "phone": phone_local(renewal.phone)},
    )
    return redirect("contractors:track-detail", reference=renewal.reference)


@never_cache
@require_GET
def challenge(request):
    """A fresh proof-of-work challenge for the request form (the ALTCHA widget fetches it). It holds no
    answer: the browser must find it by work."""
    if rate_limited(request, "challenge"):
        return _too_many(request, json=True)
    return JsonResponse(challenge_new(purpose=RENEWAL_POW_PURPOSE))


# --- following a request -------------------------------------------------------------------------


def _may_follow(request, renewal: RenewalRequest) -> bool:
    if renewal.reference in request.session.get(TRACK_SESSION_KEY, []):
        return True
    return (
        request.user.is_authenticated
        and not renewal.submitted_anonymously
        and user_can_access(request.user, applicant_id=renewal.applicant_id, organisation_id=renewal.organisation_id)
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "POST":
        if rate_limited(request, "track"):
            return _too_many(request)
        form = TrackForm(request.POST)
        if form.is_valid():
            renewal = renewal_track(reference=form.cleaned_data["reference"], phone=form.cleaned_data["phone"])
            if renewal is not None:
                _grant_tracking(request, renewal)
                return redirect("contractors:track-detail", reference=renewal.reference)
            form.add_error(None, _("No request matches this reference number and mobile number."))
    else:
        form = TrackForm(initial={"reference": request.GET.get("reference", "")[:20]})
    return render(request, "contractors/track.html", {"form": form})


def _followed(request, reference: str) -> RenewalRequest | None:
    renewal = RenewalRequest.objects.select_related("permit__contractor", "bill").filter(reference=reference).first()
    if renewal is None or not _may_follow(request, renewal):
        return None
    return renewal


@never_cache
@require_GET
def track_detail(request, reference):
    renewal = _followed(request, reference)
    if renewal is None:
        # Not this visitor's (or not proven yet): 404 whether the reference exists or not, with the
        # form where a person who made the request proves it with the phone number.
        form = TrackForm(initial={"reference": reference[:20]})
        return render(request, "contractors/track.html", {"form": form}, status=404)
    events = renewal.events.select_related("actor").order_by("created_at", "pk")
    receipt_available = renewal.bill is not None and renewal.bill.status == BillStatus.PAID
    context = {
        "renewal": renewal,
        "events": events,
        "document": renewal.renewed_permit(),
        "receipt_available": receipt_available,
    }
    return render(request, "contractors/track_detail.html", context)


@never_cache
@require_GET
def track_receipt(request, reference):
    """The financial receipt (وصل مالي) of the paid renewal fee, for whoever follows the request (often
    without an account: the reference and the phone number prove it, as for the permit)."""
    renewal = _followed(request, reference)
    if renewal is None or renewal.bill is None or renewal.bill.status != BillStatus.PAID:
        raise Http404
    document = receipt_for_bill(bill=renewal.bill)
    response = FileResponse(document.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{renewal.bill.billing_number}.pdf"'
    return response


@never_cache
@require_GET
def track_document(request, reference):
    renewal = _followed(request, reference)
    document = renewal.renewed_permit() if renewal is not None else None
    if document is None:
        raise Http404
    response = FileResponse(document.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="renewed-permit-{renewal.reference}.pdf"'
    return response
