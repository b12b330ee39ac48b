"""The applicant's pages: submit a claim, choose how to pay, upload the insurer's letter, go to the bill.

Thin: each view checks input, calls one function of ``accidents.workflow`` and redirects to the
application's page (``services:application-detail``), where ``_application_panel.html`` shows the rest.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accidents.constants import (
    LETTER_RATE,
    LETTER_RATE_GROUP,
    SUBMIT_RATE,
    SUBMIT_RATE_GROUP,
    ClaimStatus,
    PaymentMethod,
)
from accidents.forms import ClaimForm, LetterForm, PaymentChoiceForm
from accidents.models import AccidentClaim
from accidents.selectors import claims_for_party
from accidents.workflow import ClaimData, claim_letter_upload, claim_payment_choose, claim_submit
from accounts.party import party_for_request
from core.forms import form_add_errors
from core.ratelimit import rate_limit
from services.workflow import TransitionError


def _claim_for(request, reference: str) -> AccidentClaim:
    """The party's own claim; anybody else's is a 404 (its existence is not revealed)."""
    claims = claims_for_party(party_for_request(request)).select_related("bill", "declared_insurer")
    return get_object_or_404(claims, reference=reference)


def _detail(claim: AccidentClaim):
    return redirect("services:application-detail", reference=claim.reference)


@login_required
@rate_limit(group=SUBMIT_RATE_GROUP, rates=SUBMIT_RATE)
@require_http_methods(["GET", "POST"])
def claim_create(request):
    party = party_for_request(request)
    form = ClaimForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = claim_submit(
                party=party,
                data=ClaimData.from_cleaned(data),
                sketch=data["sketch"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request %(reference)s was received. We will text you once the damage is valued.")
                % {"reference": claim.reference},
            )
            return _detail(claim)
    return render(
        request, "accidents/claim_form.html", {"form": form, "party": party}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_choose(request, reference: str):
    claim = _claim_for(request, reference)
    if request.method == "POST":
        form = PaymentChoiceForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose how to pay."))
            return redirect("accidents:choose", reference=claim.reference)
        try:
            claim = claim_payment_choose(
                claim=claim, party=party_for_request(request), method=form.cleaned_data["method"]
            )
        except (TransitionError, ValidationError) as exc:
            messages.error(request, _message(exc))
            return _detail(claim)
        if claim.payment_method == PaymentMethod.PERSONAL:
            messages.success(
                request,
                _("Pay with e-payment number %(number)s within three days. We also sent it by SMS.")
                % {"number": claim.bill.billing_number},
            )
        else:
            messages.success(request, _("Upload your insurance company's approval letter within three days."))
            return redirect("accidents:letter", reference=claim.reference)
        return _detail(claim)
    if claim.status != ClaimStatus.AWAITING_CHOICE:
        messages.info(request, _("This request is not waiting for a choice of payment method."))
        return _detail(claim)
    return render(request, "accidents/choose.html", {"claim": claim, "items": claim.items.all()})


@login_required
@rate_limit(group=LETTER_RATE_GROUP, rates=LETTER_RATE)
@require_http_methods(["GET", "POST"])
def letter_upload(request, reference: str):
    claim = _claim_for(request, reference)
    if claim.status != ClaimStatus.AWAITING_LETTER:
        # Refused before anything is stored: no letter is being asked for.
        messages.error(request, _("No insurer's letter is being asked for on this request."))
        return _detail(claim)
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim_letter_upload(claim=claim, party=party_for_request(request), letter=form.cleaned_data["letter"])
        except ValidationError as exc:
            form_add_errors(form, exc)
        except TransitionError as exc:
            messages.error(request, _message(exc))
            return _detail(claim)
        else:
            messages.success(request, _("The letter was uploaded. We will text you once staff have checked it."))
            return _detail(claim)
    return render(
        request, "accidents/letter_upload.html", {"claim": claim, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET"])
def claim_pay(request, reference: str):
    """The "pay" next action: the bill's own page (payment number, how to pay, receipt once paid)."""
    claim = _claim_for(request, reference)
    if claim.bill is None:
        messages.info(request, _("There is no bill on this request."))
        return _detail(claim)
    return redirect(claim.bill.get_absolute_url())


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
