"""Thin views: check input, call one function of ``violations.workflow``/``documents``, render;
reads through ``violations.selectors``."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts.party import party_for_request
from core import sql
from core.forms import form_add_errors
from core.ratelimit import client_ip, too_many_requests
from violations import documents, selectors, statement_pages, workflow
from violations.constants import SESSION_SUBJECT, InquiryKind
from violations.forms import FleetCsvForm, FleetFilterForm, FleetVehicleForm, LicenceInquiryForm, VehicleInquiryForm
from violations.inquiries import inquiry_answered
from violations.ratelimits import Guesses, fleet_limited
from violations.rows import violations_cells
from violations.sources import FleetFilter

FLEET_PAGE_SIZE = 50


def _inquiry_page(request, *, by: str, vehicle_form=None, licence_form=None, status=200):
    return render(
        request,
        "violations/inquiry.html",
        {
            "by": by,
            "vehicle_form": vehicle_form or VehicleInquiryForm(),
            "licence_form": licence_form or LicenceInquiryForm(),
        },
        status=status,
    )


@login_required
@require_GET
def inquiry(request):
    by = InquiryKind.LICENCE if request.GET.get("by") == InquiryKind.LICENCE else InquiryKind.VEHICLE
    return _inquiry_page(request, by=by)


@login_required
@require_POST
def inquiry_vehicle(request):
    form = VehicleInquiryForm(request.POST)
    if not form.is_valid():
        return _inquiry_page(request, by=InquiryKind.VEHICLE, vehicle_form=form)
    # On the local copy (PostgreSQL) the inquiry's log line is written by the look-up's own statement
    # (violations.inquiries); otherwise it is held until the statement is read, written while the page is laid
    # out, and committed before the answer leaves (core.sql.writes_held; issue 20).
    with sql.writes_held():
        return _vehicle_answer(request, form)


def _vehicle_answer(request, form):
    answer = inquiry_answered(
        request, kind=InquiryKind.VEHICLE, party=party_for_request(request), data=form.cleaned_data
    )
    if answer.subject_id is None:
        # The same words whether the plate is unknown or the registration number is wrong.
        form.add_error(
            None,
            _(
                "No vehicle matches this plate and registration number. Check the plate code, the vehicle "
                "number and the registration number on the vehicle licence."
            ),
        )
        return _inquiry_page(request, by=InquiryKind.VEHICLE, vehicle_form=form)
    if answer.page is not None:  # kept for the state the inquiry read
        return answer.page
    return _statement_answer(request, {"kind": InquiryKind.VEHICLE, "id": answer.subject_id}, found=answer.found)


@login_required
@require_POST
def inquiry_licence(request):
    form = LicenceInquiryForm(request.POST)
    if not form.is_valid():
        return _inquiry_page(request, by=InquiryKind.LICENCE, licence_form=form)
    with sql.writes_held():  # as for a vehicle
        return _licence_answer(request, form)


def _licence_answer(request, form):
    answer = inquiry_answered(
        request, kind=InquiryKind.LICENCE, party=party_for_request(request), data=form.cleaned_data
    )
    if answer.subject_id is None:
        form.add_error(None, _("No driving licence matches these details. Check the number, centre and category."))
        return _inquiry_page(request, by=InquiryKind.LICENCE, licence_form=form)
    if answer.page is not None:  # kept for the state the inquiry read
        return answer.page
    return _statement_answer(request, {"kind": InquiryKind.LICENCE, "id": answer.subject_id}, found=answer.found)


def _statement_answer(request, subject: dict, *, found):
    """A successful inquiry is answered with its statement (one request, not a redirect and a second
    page); the session keeps what it proved for the statement's address, the PDF and the notices."""
    statement_pages.remember_subject(request, subject)
    response = statement_pages.statement_page(request, answered=True, found=found)
    if response is None:  # gone from the partner's data between the look-up and now
        return redirect("violations:statement")
    return response


@login_required
@require_GET
def statement(request):
    response = statement_pages.statement_page(request)
    if response is None:
        request.session.pop(SESSION_SUBJECT, None)
        return redirect("violations:inquiry")
    return response


@login_required
@require_POST
def restart(request):
    """ "Look up another licence/vehicle": forget what this session proved and start again."""
    subject = request.session.pop(SESSION_SUBJECT, None) or {}
    by = "?by=licence" if subject.get("kind") == InquiryKind.LICENCE else ""
    return redirect(reverse("violations:inquiry") + by)


@login_required
@require_POST
def statement_pdf(request):
    result = statement_pages.statement_for_request(request)
    if result is None:
        return redirect("violations:inquiry")
    party = party_for_request(request)
    document = documents.statement_document_issue(statement=result, owner=request.user, organisation=party.organisation)
    return redirect(documents.download_url(document))


@login_required
@require_GET
def payment_notice(request, billing_number: str):
    """The payment notice (إشعار بالدفع) of a paid bill, for whoever may see what it paid."""
    party = party_for_request(request)
    subject = request.session.get(SESSION_SUBJECT) or {}
    violations = selectors.paid_violations(billing_number=billing_number)
    if not violations or not selectors.notice_allowed(violations=violations, party=party, subject=subject):
        raise Http404
    document = documents.payment_notice_issue(
        billing_number=billing_number, violations=violations, owner=request.user, organisation=party.organisation
    )
    return redirect(documents.download_url(document))


# --- fleet ------------------------------------------------------------------------------------


def _organisation_or_none(request):
    return party_for_request(request).organisation


def _needs_organisation(request, *, status=403):
    """What fleet inquiry is, who may use it and what this person can do instead, for someone signed in
    who acts for no organisation. Opening a fleet page is a fair question (200); asking the fleet to do
    something (a bill, a CSV, a PDF, adding a vehicle) is refused (403), with the same explanation."""
    memberships = list(account_selectors.memberships_for(request.user))
    return render(
        request,
        "violations/fleet_needs_organisation.html",
        {
            "can_act_for": [m for m in memberships if m.organisation.is_verified],
            "awaiting_verification": [m for m in memberships if not m.organisation.is_verified],
            "invitations": list(account_selectors.invitations_pending_for(request.user)),
        },
        status=status,
    )


def _fleet_filters(data, organisation):
    fleet = list(selectors.fleet_vehicles(organisation=organisation))
    form = FleetFilterForm(data or None, fleet=fleet)
    filters = FleetFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = FleetFilter(
            fleet_vehicle_id=data.get("vehicle"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            status=form.status_value(),
        )
    return fleet, form, filters


@login_required
@require_GET
def fleet(request):
    organisation = _organisation_or_none(request)
    if organisation is None:
        return _needs_organisation(request, status=200)
    fleet_vehicles, form, filters = _fleet_filters(request.GET, organisation)
    violations = selectors.fleet_violations(organisation=organisation, filters=filters)
    page = Paginator(violations, FLEET_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "violations/fleet.html",
        {
            "organisation": organisation,
            "fleet_vehicles": fleet_vehicles,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "totals": selectors.fleet_totals(violations, status=filters.status),
            # Only violations payable now have a check box: no "one e-payment number" button without one.
            "rows": violations_cells(page.object_list),
            "selectable": any(v.is_payable_now for v in page.object_list),
        },
    )


@login_required
@require_POST
def fleet_bill(request):
    organisation = _organisation_or_none(request)
    if organisation is None:
        return _needs_organisation(request)
    try:
        ids = [int(v) for v in request.POST.getlist("violation")]
    except ValueError:
        ids = []
    try:
        bill = workflow.fleet_bill_create(
            organisation=organisation, user=request.user, payer_name=organisation.name_ar, violation_ids=ids
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        back = reverse("violations:fleet")
        query = request.POST.get("query", "")
        return redirect(f"{back}?{query}" if query else back)
    return render(request, "violations/fleet_bill.html", {"bill": bill, "violations": selectors.bill_violations(bill)})


@login_required
@require_http_methods(["GET", "POST"])
def fleet_vehicles(request):
    organisation = _organisation_or_none(request)
    if organisation is None:
        return _needs_organisation(request, status=200 if request.method == "GET" else 403)
    add_form, csv_form, csv_result = FleetVehicleForm(), FleetCsvForm(), None
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                removed = workflow.fleet_vehicle_remove(
                    organisation=organisation, fleet_vehicle_id=int(request.POST["remove"])
                )
            except ValueError:
                raise Http404 from None
            if not removed:
                # Another organisation's vehicle (or one already gone): not found, never "forbidden".
                raise Http404
            messages.success(request, _("The vehicle was removed from your fleet."))
            return redirect("violations:fleet-vehicles")
        if fleet_limited(request):
            return too_many_requests(request)
        if "upload" in request.POST or request.FILES:
            csv_form = FleetCsvForm(request.POST, request.FILES)
            if csv_form.is_valid():
                try:
                    csv_result = workflow.fleet_csv_import(
                        organisation=organisation,
                        user=request.user,
                        ip=client_ip(request),
                        data=csv_form.cleaned_data["file"].read(),
                        guesses=Guesses(request),
                    )
                except ValidationError as exc:
                    csv_form.add_error("file", exc)
        else:
            add_form = FleetVehicleForm(request.POST)
            if add_form.is_valid():
                try:
                    vehicle = workflow.fleet_vehicle_add(
                        organisation=organisation,
                        user=request.user,
                        ip=client_ip(request),
                        guesses=Guesses(request),
                        **add_form.cleaned_data,
                    )
                except ValidationError as exc:
                    form_add_errors(add_form, exc)
                else:
                    messages.success(
                        request, _("Vehicle %(plate)s was added to your fleet.") % {"plate": vehicle.plate}
                    )
                    return redirect("violations:fleet-vehicles")
    return render(
        request,
        "violations/fleet_vehicles.html",
        {
            "organisation": organisation,
            "vehicles": selectors.fleet_vehicles(organisation=organisation),
            "add_form": add_form,
            "csv_form": csv_form,
            "csv_result": csv_result,
        },
    )


@login_required
@require_GET
def fleet_csv(request):
    organisation = _organisation_or_none(request)
    if organisation is None:
        return _needs_organisation(request)
    _fleet, _form, filters = _fleet_filters(request.GET, organisation)
    violations = selectors.fleet_violations(organisation=organisation, filters=filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="fleet-violations-{stamp}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Arabic as UTF-8
    writer = csv.writer(response)
    writer.writerow(documents.FLEET_CSV_HEADER)
    for violation in violations.iterator(chunk_size=1000):
        writer.writerow(documents.fleet_csv_row(violation))
    return response


@login_required
@require_POST
def fleet_pdf(request):
    organisation = _organisation_or_none(request)
    if organisation is None:
        return _needs_organisation(request)
    # The table's filters travel with the form as hidden fields.
    _fleet, _form, filters = _fleet_filters(request.POST, organisation)
    selected = selectors.fleet_violations(organisation=organisation, filters=filters)
    document = documents.fleet_document_issue(
        organisation=organisation,
        owner=request.user,
        violations=list(selected[: documents.FLEET_PDF_MAX]),
        filters=filters,
        totals=selectors.fleet_totals(selected, status=filters.status),
    )
    return redirect(documents.download_url(document))
