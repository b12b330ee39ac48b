"""Named reads of the services app (applications: "My applications", detail, admin counts)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from accounts.party import Party, user_can_access
from services.models import Application, ApplicationEvent, Service
from services.reference import reference_normalise
from services.workflow import get_workflow


def _add_label(labels: dict[str, list[str]], kind: str, status: str) -> None:
    # The same value may exist in two services' workflows: show each wording once.
    workflow = get_workflow(kind, default=None)
    label = workflow.label(status) if workflow else status
    names = labels.setdefault(status, [])
    if label not in names:
        names.append(label)


def _public_events() -> QuerySet:
    # Internal notes are for staff: never even loaded for the applicant's pages.
    return ApplicationEvent.objects.defer("internal_note").order_by("created_at", "pk")


def applications_for_party(*, party: Party, service_slug: str = "", status: str = "") -> QuerySet:
    """Every application of ``party`` (newest first) with its service and public timeline prefetched."""
    qs = (
        Application.objects.for_party(party)
        .select_related("service")
        .prefetch_related(Prefetch("events", queryset=_public_events()))
    )
    if service_slug:
        qs = qs.filter(service__slug=service_slug)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def application_filter_choices(*, party: Party) -> dict[str, list[tuple[str, str]]]:
    """The services and statuses that occur among ``party``'s applications, for the filter form."""
    owned = Application.objects.for_party(party)
    services = Service.objects.filter(pk__in=owned.values("service_id")).order_by("order", "slug")
    labels: dict[str, list[str]] = {}
    for kind, status in owned.values_list("kind", "status").distinct().order_by("kind", "status"):
        _add_label(labels, kind, status)
    return {
        "services": [(s.slug, s.tr("name")) for s in services],
        "statuses": sorted(((status, " / ".join(names)) for status, names in labels.items()), key=lambda c: c[1]),
    }


def application_for_user(*, user, reference: str) -> Application | None:
    """The application ``reference`` if ``user`` may see it (applicant, or member of its organisation)."""
    application = (
        Application.objects.select_related("service", "organisation")
        .prefetch_related(Prefetch("events", queryset=_public_events()))
        .filter(reference=reference_normalise(reference))
        .first()
    )
    if application is None:
        return None
    if not user_can_access(user, applicant_id=application.applicant_id, organisation_id=application.organisation_id):
        return None
    return application


def application_status_counts(queryset: QuerySet) -> list[tuple[str, str, int]]:
    """``(status, label, count)`` for the applications in ``queryset`` (admin filters), in one query."""
    labels: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for kind, status, n in queryset.order_by().values_list("kind", "status").annotate(n=Count("pk")):
        _add_label(labels, kind, status)
        counts[status] = counts.get(status, 0) + n
    rows = [(status, " / ".join(names), counts[status]) for status, names in labels.items()]
    return sorted(rows, key=lambda row: row[1])
