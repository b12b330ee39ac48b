"""How each procedural service's endings read for the performance figures.

The workflows say which statuses are final (``Workflow.final``) but not which final status is the
service delivered and which is a refusal; the status names are read here once, per kind.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accidents import constants as accidents
from contractors import constants as contractors
from licensing import constants as licensing
from violations import constants as violations

# Final statuses in which the service was delivered (the claim released, the permit or licence issued).
COMPLETED: dict[str, frozenset[str]] = {
    accidents.KIND: frozenset({accidents.ClaimStatus.RELEASED}),
    contractors.KIND: frozenset({contractors.RenewalStatus.ISSUED}),
    licensing.KIND: frozenset({licensing.SplitStatus.ISSUED}),
}
# Final statuses that are a refusal on the merits (any other non-completed final status is a cancellation).
REFUSED: dict[str, frozenset[str]] = {
    accidents.KIND: frozenset(),
    contractors.KIND: frozenset({contractors.RenewalStatus.REFUSED}),
    licensing.KIND: frozenset({licensing.SplitStatus.REFUSED}),
}
# The catalogue card (services.Service.slug) of each kind; violations is an inquiry with bills only.
SERVICE_SLUGS: dict[str, str] = {
    accidents.KIND: accidents.SERVICE_SLUG,
    contractors.KIND: contractors.SERVICE_SLUG,
    licensing.KIND: licensing.SERVICE_SLUG,
}
VIOLATIONS_SLUG = "traffic-violations"
# Bill kinds (payments.Bill.kind) per service kind.
BILL_KINDS: dict[str, tuple[str, ...]] = {
    accidents.KIND: (accidents.BILL_KIND,),
    contractors.KIND: (contractors.BILL_KIND,),
    licensing.KIND: (licensing.BILL_KIND_DUES, licensing.BILL_KIND_FEES),
    "violations": (violations.BILL_KIND,),
}


class EndReason(models.TextChoices):
    """Why an application ended without the service being delivered (read from its closing event)."""

    REFUSED = "refused", _("Refused")
    DEADLINE = "deadline", _("Deadline passed")
    STAFF = "staff", _("Cancelled by staff")
    APPLICANT = "applicant", _("Withdrawn by the applicant")


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    MINUTES = "minutes", _("minutes")


PUBLIC_CACHE_SECONDS = 15 * 60
PUBLIC_CACHE_KEY = "performance:public:v1"
