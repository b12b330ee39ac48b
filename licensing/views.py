"""The applicant's pages: their licences, the split application, booking an inspection, confirming
corrections, and the way to the bill to pay.

Thin: each view checks input, calls one function of ``licensing.workflow`` and redirects to the
application's page (``services:application-detail``), where ``_application_panel.html`` shows the rest.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.party import party_for_request, party_q
from core.forms import form_add_errors
from core.ratelimit import rate_limit
from licensing.constants import (
    APPLY_RATE,
    APPLY_RATE_GROUP,
    BOOK_RATE,
    BOOK_RATE_GROUP,
    STANDARD_WORKING_DAYS,
    SplitStatus,
)
from licensing.forms import BookingForm, CorrectionsForm, SplitForm
from licensing.models import SplitApplication
from licensing.selectors import (
    booking_last_not_compliant,
    licences_for_party,
    slots_available,
    split_bill_to_pay,
    split_requests_for_party,
)
from licensing.workflow import SplitData, split_apply, split_corrections_confirm, split_inspection_book
from services.workflow import TransitionError


def _application_for(request, reference: str) -> SplitApplication:
    """The party's own request; anybody else's is a 404 (its existence is not revealed)."""
    party = party_for_request(request)
    return get_object_or_404(
        SplitApplication.objects.filter(party_q(party)).select_related(
            "licence", "profession", "dues_bill", "fees_bill"
        ),
        reference=reference,
    )


def _detail(application):
    return redirect("services:application-detail", reference=application.reference)


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@login_required
@require_GET
def licence_list(request):
    party = party_for_request(request)
    licences = licences_for_party(party).select_related("profession").order_by("number")
    requests = split_requests_for_party(party)[:20]
    return render(
        request,
        "licensing/licence_list.html",
        {"party": party, "licences": licences, "requests": requests, "standard_days": STANDARD_WORKING_DAYS},
    )


@login_required
@rate_limit(group=APPLY_RATE_GROUP, rates=APPLY_RATE)
@require_http_methods(["GET", "POST"])
def split_create(request):
    party = party_for_request(request)
    initial = {"licence_number": request.GET.get("licence", "")[:20]}
    form = SplitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = split_apply(party=party, data=SplitData.from_cleaned(form.cleaned_data))
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if application.status == SplitStatus.AWAITING_DUES:
                messages.warning(
                    request,
                    _(
                        "You owe the municipality dues on this property. Pay them with e-payment number %(number)s;"
                        " your request is accepted automatically once they are paid."
                    )
                    % {"number": application.dues_bill.billing_number},
                )
            else:
                messages.success(
                    request,
                    _("Your request was accepted. Request number: %(reference)s. We also sent it by SMS.")
                    % {"reference": application.reference},
                )
            return _detail(application)
    return render(
        request,
        "licensing/split_form.html",
        {"form": form, "party": party, "standard_days": STANDARD_WORKING_DAYS},
        status=400 if form.errors else 200,
    )


@login_required
@rate_limit(group=BOOK_RATE_GROUP, rates=BOOK_RATE)
@require_http_methods(["GET", "POST"])
def inspection_book(request, reference: str):
    application = _application_for(request, reference)
    if application.status != SplitStatus.AWAITING_BOOKING:
        messages.info(request, _("This request is not waiting for an inspection booking."))
        return _detail(application)
    form = BookingForm(request.POST or None, slots=slots_available().order_by("starts_at"))
    if request.method == "POST" and form.is_valid():
        try:
            booking = split_inspection_book(
                application=application,
                slot=form.cleaned_data["slot"],
                actor=request.user,
                party=party_for_request(request),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        except (TransitionError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
            return _detail(application)
        else:
            messages.success(
                request,
                _("Your inspection is booked for %(when)s. We also sent it by SMS.") % {"when": booking.slot},
            )
            return _detail(application)
    return render(
        request,
        "licensing/book.html",
        {"application": application, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def corrections_confirm(request, reference: str):
    application = _application_for(request, reference)
    if application.status != SplitStatus.AWAITING_CORRECTIONS:
        messages.info(request, _("This request is not waiting for corrections."))
        return _detail(application)
    form = CorrectionsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            split_corrections_confirm(
                application=application, party=party_for_request(request), note=form.cleaned_data["note"]
            )
        except (TransitionError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
            return _detail(application)
        messages.success(request, _("Thank you. Now book a new inspection appointment."))
        return redirect("licensing:book", reference=application.reference)
    last = booking_last_not_compliant(application=application)
    return render(
        request,
        "licensing/corrections.html",
        {"application": application, "form": form, "last": last},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def split_pay(request, reference: str):
    """The "pay" next action: the bill's own page (dues first, or the fees once approved)."""
    application = _application_for(request, reference)
    try:
        bill = split_bill_to_pay(application=application)
    except TransitionError as exc:
        messages.error(request, _message(exc))
        return _detail(application)
    return redirect(bill.get_absolute_url())
