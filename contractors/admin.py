"""Staff side of contractor permits: the register (contractors and permits) and the renewal queues.

Decisions (approve with period and fee, refuse with a reason) are forms that call
``contractors.workflow``; the admin never edits a request's fields or status itself.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contractors.constants import SUGGESTED_FEES, RenewalStatus
from contractors.forms import ApproveForm, RefuseForm
from contractors.models import Contractor, Permit, RenewalRequest
from contractors.workflow import renewal_approve, renewal_default_period, renewal_refuse
from core.dates import date_text
from core.phones import phone_local
from notifications.models import Notification
from services.admin import ApplicationAdminMixin, ApplicationQueueFilter
from services.models import IssuedDocument
from services.workflow import TransitionError

S = RenewalStatus

# The department's queues, one per step; the changelist shows each with its count.
QUEUES = [
    ("to_review", _("To review"), (S.SUBMITTED,)),
    ("awaiting_payment", _("Approved, awaiting payment"), (S.AWAITING_PAYMENT,)),
    ("issued", _("Issued"), (S.ISSUED,)),
    ("refused", _("Refused"), (S.REFUSED,)),
    ("cancelled", _("Cancelled (not paid in time)"), (S.CANCELLED,)),
]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PermitInline(admin.TabularInline):
    model = Permit
    extra = 0
    fields = ("number", "year", "kind", "site", "valid_from", "valid_until", "status")
    show_change_link = True


@admin.register(Contractor)
class ContractorAdmin(admin.ModelAdmin):
    list_display = ("number", "name_ar", "name_en", "classification", "phone", "permit_count")
    list_filter = ("classification",)
    search_fields = ("number", "name_ar", "name_en", "phone")
    ordering = ("number",)
    inlines = [PermitInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(permit_count=Count("permits"))

    @admin.display(description=_("permits"), ordering="permit_count")
    def permit_count(self, obj):
        return obj.permit_count


@admin.register(Permit)
class PermitAdmin(admin.ModelAdmin):
    list_display = ("__str__", "contractor", "kind", "site", "valid_from", "valid_until", "status")
    list_filter = ("status", "kind", "year")
    list_select_related = ("contractor",)
    search_fields = ("number", "contractor__number", "contractor__name_ar", "contractor__name_en", "site")
    autocomplete_fields = ("contractor",)
    ordering = ("-year", "number")


class SmsInline(_ReadOnlyInline):
    model = Notification
    fk_name = "application"
    verbose_name_plural = _("SMS sent")
    fields = ("created_at", "mobile", "text", "status")
    readonly_fields = fields


class DocumentInline(_ReadOnlyInline):
    model = IssuedDocument
    fk_name = "application"
    verbose_name_plural = _("issued documents")
    fields = ("title", "code", "issued_at", "revoked_at")
    readonly_fields = fields


@admin.register(RenewalRequest)
class RenewalRequestAdmin(ApplicationAdminMixin, admin.ModelAdmin):
    queues = QUEUES
    change_form_template = "admin/contractors/renewalrequest/change_form.html"
    list_display = (
        "reference",
        "contractor",
        "permit_display",
        "period_year",
        "status_badge",
        "phone_display",
        "fee",
        "submitted_at",
        "deadline_at",
    )
    list_filter = (ApplicationQueueFilter, "period_year", "permit__kind", "submitted_anonymously", "submitted_at")
    list_select_related = ("permit__contractor", "applicant", "organisation")
    search_fields = (
        "reference",
        "phone",
        "permit__number",
        "permit__contractor__number",
        "permit__contractor__name_ar",
        "permit__contractor__name_en",
        "applicant__national_id",
        "applicant__full_name_ar",
    )
    date_hierarchy = "submitted_at"
    ordering = ("-submitted_at", "-pk")
    inlines = [DocumentInline, SmsInline]
    fields = (
        "contractor",
        "permit_display",
        "permit_validity",
        "period_year",
        "renewal_reason",
        "phone_display",
        "submitted_anonymously",
        "language",
        "approved_from",
        "approved_until",
        "fee",
        "bill_link",
        "refusal_reason",
    )
    # The page is read-only; the "change" permission is what lets staff decide (approve / refuse).
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("permit__contractor", "bill")

    # --- columns ---------------------------------------------------------------------------------

    @admin.display(description=_("contractor"), ordering="permit__contractor__number")
    def contractor(self, obj):
        return obj.permit.contractor

    @admin.display(description=_("permit"), ordering="permit__number")
    def permit_display(self, obj):
        return f"{obj.permit.number}/{obj.permit.year} — {obj.permit.get_kind_display()}"

    @admin.display(description=_("current validity"))
    def permit_validity(self, obj):
        permit = obj.permit
        return f"{date_text(permit.valid_from)} – {date_text(permit.valid_until)} ({permit.get_status_display()})"

    @admin.display(description=_("mobile number"), ordering="phone")
    def phone_display(self, obj):
        return format_html('<span dir="ltr">{}</span>', phone_local(obj.phone))

    @admin.display(description=_("bill"))
    def bill_link(self, obj):
        if obj.bill is None:
            return "—"
        return format_html(
            "{} — {} {} ({})", obj.bill.billing_number, obj.bill.amount, gettext("JOD"), obj.bill.get_status_display()
        )

    # --- decisions -------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="contractors_renewalrequest_approve",
            ),
            path(
                "<path:object_id>/refuse/",
                self.admin_site.admin_view(self.refuse_view),
                name="contractors_renewalrequest_refuse",
            ),
            *super().get_urls(),
        ]

    def _decidable(self, request, object_id) -> RenewalRequest:
        renewal = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, renewal):
            raise PermissionDenied
        return renewal

    def _decision_page(self, request, renewal, form, *, title, submit_label, danger=False):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": renewal,
            "renewal": renewal,
            "form": form,
            "title": title,
            "submit_label": submit_label,
            "danger": danger,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/contractors/renewalrequest/decision.html", context)

    def _back(self, renewal):
        return HttpResponseRedirect(reverse("admin:contractors_renewalrequest_change", args=[renewal.pk]))

    def approve_view(self, request, object_id):
        renewal = self._decidable(request, object_id)
        if request.method == "POST":
            form = ApproveForm(request.POST)
            if form.is_valid():
                try:
                    renewal_approve(renewal=renewal, staff=request.user, **form.cleaned_data)
                except (ValidationError, TransitionError) as exc:
                    form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
                else:
                    self.message_user(
                        request,
                        gettext("%(reference)s approved; the bill was issued and the applicant told by SMS.")
                        % {"reference": renewal.reference},
                        messages.SUCCESS,
                    )
                    return self._back(renewal)
        else:
            start, end = renewal_default_period(renewal=renewal)
            form = ApproveForm(
                initial={"approved_from": start, "approved_until": end, "fee": SUGGESTED_FEES.get(renewal.permit.kind)}
            )
        return self._decision_page(
            request,
            renewal,
            form,
            title=gettext("Approve the renewal %(reference)s") % {"reference": renewal.reference},
            submit_label=gettext("Approve and issue the bill"),
        )

    def refuse_view(self, request, object_id):
        renewal = self._decidable(request, object_id)
        if request.method == "POST":
            form = RefuseForm(request.POST)
            if form.is_valid():
                try:
                    renewal_refuse(renewal=renewal, staff=request.user, reason=form.cleaned_data["reason"])
                except (ValidationError, TransitionError) as exc:
                    form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
                else:
                    self.message_user(
                        request,
                        gettext("%(reference)s refused; the applicant was told the reason by SMS.")
                        % {"reference": renewal.reference},
                        messages.SUCCESS,
                    )
                    return self._back(renewal)
        else:
            form = RefuseForm()
        return self._decision_page(
            request,
            renewal,
            form,
            title=gettext("Refuse the renewal %(reference)s") % {"reference": renewal.reference},
            submit_label=gettext("Refuse the request"),
            danger=True,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        renewal = self.get_queryset(request).filter(pk=object_id).first()
        decidable = (
            renewal is not None and renewal.status == S.SUBMITTED and self.has_change_permission(request, renewal)
        )
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "decidable": decidable})
