"""The claim's case file for staff: queues per step, columns, and the read-only fieldsets.

The decisions (value, check insurance, review the letter, cancel) are in :mod:`accidents.admin.decisions`.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accidents.admin.decisions import ClaimDecisionsMixin
from accidents.admin.inlines import ClaimTimelineInline, DocumentInline, NotificationInline, ValuationItemInline
from accidents.constants import ClaimStatus
from accidents.models import AccidentClaim
from core.dates import datetime_text
from services.admin import ApplicationAdminMixin, ApplicationQueueFilter, ApplicationStatusFilter

S = ClaimStatus

# The staff's queues, one per step of the card; the changelist shows each with its count.
QUEUES = [
    ("to_value", _("To value"), (S.SUBMITTED,)),
    ("insurance", _("Insurance check pending"), (S.VALUED,)),
    ("letters", _("Letters to review"), (S.LETTER_REVIEW,)),
    ("awaiting_payment", _("Awaiting payment"), (S.AWAITING_PAYMENT,)),
    ("awaiting_applicant", _("Awaiting the applicant (choice or letter)"), (S.AWAITING_CHOICE, S.AWAITING_LETTER)),
    ("released", _("Released"), (S.RELEASED,)),
    ("cancelled", _("Cancelled"), (S.CANCELLED,)),
]


@admin.register(AccidentClaim)
class AccidentClaimAdmin(ClaimDecisionsMixin, ApplicationAdminMixin, admin.ModelAdmin):
    queues = QUEUES
    change_form_template = "admin/accidents/accidentclaim/change_form.html"
    list_display = (
        "reference",
        "party",
        "plate_display",
        "accident_date",
        "status_badge",
        "damage_amount",
        "insurance_state",
        "payment_method",
        "deadline_at",
        "submitted_at",
    )
    list_display_links = ("reference",)
    list_filter = (
        ApplicationQueueFilter,
        ApplicationStatusFilter,
        "insurance_state",
        "payment_method",
        "accident_date",
        "submitted_at",
    )
    search_fields = (
        "reference",
        "plate_number",
        "registration_number",
        "police_report_number",
        "applicant__national_id",
        "applicant__full_name_ar",
        "organisation__name_ar",
    )
    date_hierarchy = "submitted_at"
    ordering = ("-submitted_at", "-pk")
    list_per_page = 50
    actions = ["action_check_insurance", "action_cancel"]
    fieldsets = (
        (
            _("Request"),
            {
                "fields": (
                    "reference",
                    "status_badge",
                    "party",
                    "contact_mobile_display",
                    "submitted_at",
                    "deadline_info",
                    "closed_at",
                )
            },
        ),
        (
            _("Vehicle and accident"),
            {
                "fields": (
                    "plate_display",
                    "registration_number",
                    "accident_date",
                    "accident_place",
                    "damaged_property_display",
                    "damage_description",
                    "police_report_number",
                    "sketch_link",
                )
            },
        ),
        (
            _("Valuation and insurance"),
            {
                "fields": (
                    "damage_amount",
                    "valued_at",
                    "valued_by",
                    "declared_insurer",
                    "declared_policy_number",
                    "insurance_state",
                    "insurance_insurer_name",
                    "insurance_policy_number",
                    "insurance_valid_until",
                    "insurance_detail",
                    "insurance_checked_at",
                )
            },
        ),
        (
            _("Payment, letter and release"),
            {
                "fields": (
                    "payment_method",
                    "payment_chosen_at",
                    "bill_link",
                    "letter_link",
                    "letter_uploaded_at",
                    "letter_valid",
                    "letter_reviewed_by",
                    "letter_reviewed_at",
                    "released_at",
                    "certificate_link",
                )
            },
        ),
    )

    inlines = [ValuationItemInline, ClaimTimelineInline, DocumentInline, NotificationInline]

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("applicant", "organisation", "bill", "sketch", "letter", "certificate", "declared_insurer")
        )

    def has_change_permission(self, request, obj=None):
        return False  # the case file is read-only; decisions go through the workflow's pages below

    # --- columns ---------------------------------------------------------------------------------
    @admin.display(description=pgettext_lazy("vehicle plate", "Plate"))
    def plate_display(self, claim):
        return format_html('<span dir="ltr">{}</span>', claim.plate)

    @admin.display(description=_("Contact mobile"))
    def contact_mobile_display(self, claim):
        return format_html('<span dir="ltr">{}</span>', claim.contact_mobile)

    @admin.display(description=_("Deadline"))
    def deadline_info(self, claim):
        if not claim.deadline_at:
            return "-"
        reason = gettext(claim.deadline_reason) if claim.deadline_reason else ""
        return f"{datetime_text(claim.deadline_at)} ({reason})"

    @admin.display(description=_("What was damaged"))
    def damaged_property_display(self, claim):
        return "، ".join(claim.damaged_property_labels())

    @admin.display(description=_("Police accident sketch"))
    def sketch_link(self, claim):
        url = reverse("admin:accidents_accidentclaim_file", args=[claim.pk, "sketch"])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, claim.sketch.original_name)

    @admin.display(description=_("Insurer's approval letter"))
    def letter_link(self, claim):
        if not claim.letter_id:
            return "-"
        url = reverse("admin:accidents_accidentclaim_file", args=[claim.pk, "letter"])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, claim.letter.original_name)

    @admin.display(description=_("Bill"))
    def bill_link(self, claim):
        if not claim.bill_id:
            return "-"
        return f"{claim.bill.billing_number} — {claim.bill.amount} JOD — {claim.bill.get_effective_status_display()}"

    @admin.display(description=_("Release certificate"))
    def certificate_link(self, claim):
        if not claim.certificate_id:
            return "-"
        url = reverse("services:document-download", kwargs={"code": claim.certificate.code})
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, claim.certificate.code)
