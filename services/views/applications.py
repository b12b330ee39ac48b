"""'My applications' and one application's page (thin: reads come from ``services.selectors``)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_GET

from accounts.party import party_for_request
from services.forms import ApplicationFilterForm
from services.selectors import application_filter_choices, application_for_user, applications_for_party

PAGE_SIZE = 20


@login_required
@require_GET
def my_applications(request):
    """Every application of the party the user acts for, newest first, filtered by service and status."""
    party = party_for_request(request)
    form = ApplicationFilterForm(request.GET or None, **application_filter_choices(party=party))
    filters = form.cleaned_data if form.is_valid() else {}
    applications = applications_for_party(
        party=party, service_slug=filters.get("service", ""), status=filters.get("status", "")
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/my_applications.html",
        {
            "party": party,
            "form": form,
            "page": page,
            "filtered": bool(filters and any(filters.values())),
            "query": query.urlencode(),
        },
    )


def _panel_template(kind: str) -> str | None:
    name = f"{kind}/_application_panel.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


@login_required
@require_GET
def application_detail(request, reference: str):
    """One application: status, next action, deadline, public timeline and the service's own panel."""
    application = application_for_user(user=request.user, reference=reference)
    if application is None:
        raise Http404
    return render(
        request,
        "services/application_detail.html",
        {
            "application": application,
            # The service's panel sees its own model (e.g. the claim's amounts and bill).
            "specific": application.specific(),
            "panel_template": _panel_template(application.kind),
        },
    )
