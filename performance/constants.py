"""What the performance figures count, asked of each service's registered workflow.

A workflow declares which final statuses mean the service was delivered (``completed``) and which are a
refusal on the merits (``refused``; any other final status is a cancellation), its catalogue card and its
bill kinds (``services.registry.Workflow``). Only the violations inquiry has no workflow: its bills are
named here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from services.registry import Workflow, registered_workflows
from violations.constants import BILL_KIND as VIOLATIONS_BILL_KIND

VIOLATIONS_KIND = "violations"
VIOLATIONS_SLUG = "traffic-violations"


def service_workflows() -> dict[str, type[Workflow]]:
    """The procedural services, by kind: every registered workflow with a catalogue card."""
    return {kind: workflow for kind, workflow in registered_workflows().items() if workflow.service_slug}


def completed_statuses() -> dict[str, frozenset[str]]:
    return {kind: frozenset(w.completed) for kind, w in service_workflows().items()}


def refused_statuses() -> dict[str, frozenset[str]]:
    return {kind: frozenset(w.refused) for kind, w in service_workflows().items()}


def service_slugs() -> dict[str, str]:
    return {kind: w.service_slug for kind, w in service_workflows().items()}


def bill_kinds() -> dict[str, tuple[str, ...]]:
    """payments.Bill.kind values per service kind, the violations inquiry included."""
    kinds = {kind: tuple(w.bill_kinds) for kind, w in service_workflows().items()}
    kinds[VIOLATIONS_KIND] = (VIOLATIONS_BILL_KIND,)
    return kinds


class EndReason(models.TextChoices):
    """Why an application ended without the service being delivered (read from its closing event)."""

    REFUSED = "refused", _("Refused")
    DEADLINE = "deadline", _("Deadline passed")
    STAFF = "staff", _("Cancelled by staff")
    APPLICANT = "applicant", _("Withdrawn by the applicant")


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    MINUTES = "minutes", _("minutes")


# The dashboard opens on the same window as the public page's first one, so the two show the same figures.
MONTH_DAYS = 30
YEAR_DAYS = 365

# The public figures are cached at most this long, and never past a closing or a rating (performance.published).
PUBLIC_CACHE_SECONDS = 15 * 60
PUBLIC_CACHE_KEY = "performance:public:v2"
PUBLIC_CACHE_VERSION_KEY = "performance:public:version"
