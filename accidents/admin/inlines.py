"""The claim's case file, shown under it: valuation, timeline, documents issued, SMS sent."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accidents.models import ValuationItem
from core.admin import ReadOnlyInline
from notifications.models import Notification
from services.admin import ApplicationEventInline
from services.models import IssuedDocument


class _SeenWithTheClaim:
    """The case file's inlines are part of the claim: whoever may view the claim sees them.

    Without this the admin asks for ``services.view_applicationevent`` (and the like), which the
    department's group does not hold, and silently leaves the timeline, SMS and documents out.
    """

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("accidents.view_accidentclaim")


class ClaimTimelineInline(_SeenWithTheClaim, ApplicationEventInline):
    # The workflow stores reasons as English msgids: show them in the reader's language.
    fields = tuple("reason_text" if f == "reason" else f for f in ApplicationEventInline.fields)
    readonly_fields = fields

    @admin.display(description=_("Reason"))
    def reason_text(self, event):
        return gettext(event.reason) if event.reason else "-"


class ValuationItemInline(ReadOnlyInline):
    model = ValuationItem
    fields = ("position", "department", "description", "quantity", "unit", "unit_price", "amount")
    readonly_fields = fields


class NotificationInline(_SeenWithTheClaim, ReadOnlyInline):
    model = Notification
    fk_name = "application"
    verbose_name_plural = _("SMS sent")
    fields = ("created_at", "mobile", "text", "status")
    readonly_fields = fields


class DocumentInline(_SeenWithTheClaim, ReadOnlyInline):
    model = IssuedDocument
    fk_name = "application"
    verbose_name_plural = _("Issued documents")
    fields = ("title", "code", "issued_at", "revoked_at")
    readonly_fields = fields
