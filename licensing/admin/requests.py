"""The split requests in the admin: the staff's queues per step, the read-only case file, and the
decision pages. Every decision calls a function of ``licensing.workflow``; the admin never edits a
request's fields."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.dates import datetime_text
from core.forms import form_add_errors
from licensing.constants import SplitStatus
from licensing.forms import (
    ApprovalForm,
    AssignSlotForm,
    CivilDefenceForm,
    FeeForm,
    InspectionResultForm,
    ReasonForm,
)
from licensing.models import ExternalApproval, InspectionBooking, SplitApplication
from licensing.selectors import approval_bodies_pending, slots_free
from licensing.workflow import (
    split_approval_record,
    split_cancel,
    split_civil_defence_decide,
    split_fee_set,
    split_inspection_book,
    split_inspection_missed,
    split_inspection_result,
)
from notifications.models import Notification
from services.admin import (
    ApplicationAdminMixin,
    ApplicationEventInline,
    ApplicationQueueFilter,
    ApplicationStatusFilter,
)
from services.workflow import TransitionError

S = SplitStatus

# The staff's queues, one per step of the card; the changelist shows each with its count.
QUEUES = [
    ("dues", _("Awaiting dues"), (S.AWAITING_DUES,)),
    ("approvals", _("External approvals"), (S.EXTERNAL_APPROVALS,)),
    ("booking", _("Awaiting a booking"), (S.AWAITING_BOOKING,)),
    ("inspection", _("Inspections booked"), (S.INSPECTION_BOOKED,)),
    ("corrections", _("Awaiting corrections"), (S.AWAITING_CORRECTIONS,)),
    ("civil_defence", _("Civil Defence"), (S.CIVIL_DEFENCE,)),
    ("fees", _("Fees to set"), (S.FEE_ASSESSMENT,)),
    ("payment", _("Awaiting payment"), (S.AWAITING_PAYMENT,)),
    ("issued", _("Issued"), (S.ISSUED,)),
    ("ended", _("Refused or cancelled"), (S.REFUSED, S.CANCELLED)),
]


class StandardTimeFilter(admin.SimpleListFilter):
    """Open requests past the card's 3 working days (counted from acceptance), for supervisors."""

    title = _("Standard time")
    parameter_name = "standard_time"

    def lookups(self, request, model_admin):
        return [("late", _("Past the standard time")), ("on_time", _("Within the standard time"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "late":
            return queryset.filter(closed_at__isnull=True, due_by__lt=today)
        if self.value() == "on_time":
            return queryset.filter(closed_at__isnull=True, due_by__gte=today)
        return queryset


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApprovalInline(_ReadOnlyInline):
    model = ExternalApproval
    fields = ("body", "decision", "reason", "decided_by", "decided_at")
    readonly_fields = fields


class BookingInline(_ReadOnlyInline):
    model = InspectionBooking
    fields = ("slot", "booked_by", "booked_at", "result", "findings", "result_by", "corrections_confirmed_at")
    readonly_fields = fields


class NotificationInline(_ReadOnlyInline):
    model = Notification
    fk_name = "application"
    verbose_name_plural = _("SMS sent")
    fields = ("created_at", "mobile", "text", "status")
    readonly_fields = fields


# (action key, button label, status it needs, permission, form class)
DECISIONS = {
    "approval": (_("Record an external body's answer"), S.EXTERNAL_APPROVALS, "record_approval", ApprovalForm),
    "assign": (_("Assign an inspection appointment"), S.AWAITING_BOOKING, "inspect", AssignSlotForm),
    "inspection": (_("Record the inspection result"), S.INSPECTION_BOOKED, "inspect", InspectionResultForm),
    "missed": (_("Record that the visit did not take place"), S.INSPECTION_BOOKED, "inspect", ReasonForm),
    "civil_defence": (_("Record the Civil Defence decision"), S.CIVIL_DEFENCE, "civil_defence", CivilDefenceForm),
    "fee": (_("Set the fees"), S.FEE_ASSESSMENT, "set_fee", FeeForm),
    "cancel": (_("Cancel the request"), None, "cancel", ReasonForm),
}


@admin.register(SplitApplication)
class SplitApplicationAdmin(ApplicationAdminMixin, admin.ModelAdmin):
    queues = QUEUES
    change_form_template = "admin/licensing/splitapplication/change_form.html"
    list_display = (
        "reference",
        "party",
        "licence",
        "profession",
        "status_badge",
        "due_by",
        "deadline_at",
        "submitted_at",
    )
    list_filter = (ApplicationQueueFilter, ApplicationStatusFilter, StandardTimeFilter, "profession", "submitted_at")
    list_select_related = ("applicant", "organisation", "licence", "profession")
    search_fields = (
        "reference",
        "licence__number",
        "deed_reference",
        "trade_name",
        "applicant__national_id",
        "applicant__full_name_ar",
        "organisation__name_ar",
    )
    date_hierarchy = "submitted_at"
    ordering = ("-submitted_at", "-pk")
    list_per_page = 50
    actions = ["action_civil_defence_approve"]
    fieldsets = (
        (_("Request"), {"fields": ("reference", "status_badge", "party", "submitted_at", "accepted_at", "due_by")}),
        (
            _("Licence and new profession"),
            {
                "fields": (
                    "licence",
                    "deed_reference",
                    "construction_certificate_reference",
                    "profession",
                    "trade_name",
                    "area_m2",
                )
            },
        ),
        (
            _("Dues, fees and licence"),
            {
                "fields": (
                    "dues_amount",
                    "dues_bill_info",
                    "civil_defence_decided_at",
                    "civil_defence_reference",
                    "fee_amount",
                    "fee_set_by",
                    "fees_bill_info",
                    "new_licence",
                    "deadline_info",
                    "closed_at",
                )
            },
        ),
    )

    def get_inlines(self, request, obj):
        return [ApprovalInline, BookingInline, ApplicationEventInline, NotificationInline]

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_change_permission(self, request, obj=None):
        return False  # the case file is read-only; decisions go through the workflow's pages below

    @admin.display(description=_("Dues bill"))
    def dues_bill_info(self, obj):
        bill = obj.dues_bill
        return f"{bill.billing_number} — {bill.amount} JOD — {bill.get_effective_status_display()}" if bill else "-"

    @admin.display(description=_("Fees bill"))
    def fees_bill_info(self, obj):
        bill = obj.fees_bill
        return f"{bill.billing_number} — {bill.amount} JOD — {bill.get_effective_status_display()}" if bill else "-"

    @admin.display(description=_("Deadline"))
    def deadline_info(self, obj):
        if not obj.deadline_at:
            return "-"
        return f"{datetime_text(obj.deadline_at)} ({obj.deadline_reason})"

    # --- changelist and change form ------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "decisions": self._decisions(request, obj) if obj else []}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _allowed(self, request, obj, key) -> bool:
        _label, status, perm, _form = DECISIONS[key]
        if not request.user.has_perm(f"licensing.{perm}_splitapplication"):
            return False
        return (not obj.is_closed) if status is None else obj.status == status

    def _decisions(self, request, obj):
        return [
            (reverse("admin:licensing_splitapplication_decide", args=[obj.pk, key]), label, key == "cancel")
            for key, (label, *_rest) in DECISIONS.items()
            if self._allowed(request, obj, key)
        ]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/<str:key>/", view(self.decide_view), name="licensing_splitapplication_decide"),
            *super().get_urls(),
        ]

    def _form(self, key, obj, data):
        form_class = DECISIONS[key][3]
        if key == "approval":
            return form_class(data, bodies=approval_bodies_pending(application=obj))
        if key == "assign":
            return form_class(data, slots=slots_free().order_by("starts_at"))
        return form_class(data)

    def _apply(self, key, obj, user, data):
        if key == "approval":
            return split_approval_record(
                application=obj,
                body=data["body"],
                approved=data["decision"] == "approved",
                reason=data["reason"],
                actor=user,
            )
        if key == "assign":
            return split_inspection_book(application=obj, slot=data["slot"], actor=user)
        if key == "inspection":
            return split_inspection_result(
                application=obj, compliant=data["result"] == "compliant", findings=data["findings"], actor=user
            )
        if key == "missed":
            return split_inspection_missed(application=obj, actor=user, note=data["reason"])
        if key == "civil_defence":
            return split_civil_defence_decide(
                application=obj,
                approved=data["decision"] == "approved",
                reason=data["reason"],
                reference=data["reference"],
                actor=user,
            )
        if key == "fee":
            return split_fee_set(application=obj, amount=data["amount"], actor=user)
        return split_cancel(application=obj, reason=data["reason"], actor=user)

    def decide_view(self, request, pk, key):
        if key not in DECISIONS:
            raise Http404
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:licensing_splitapplication_change", args=[obj.pk])
        if not request.user.has_perm(f"licensing.{DECISIONS[key][2]}_splitapplication"):
            raise PermissionDenied
        if not self._allowed(request, obj, key):
            self.message_user(
                request,
                gettext("Not possible now: the request is “%(status)s”.") % {"status": obj.status_label},
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        form = self._form(key, obj, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                self._apply(key, obj, request.user, form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(change_url)
            else:
                obj.refresh_from_db()
                self.message_user(
                    request,
                    gettext("Recorded. The request is now: %(status)s.") % {"status": obj.status_label},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/licensing/splitapplication/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "application": obj,
                "title": f"{DECISIONS[key][0]} — {obj.reference}",
                "form": form,
                "is_cancel": key == "cancel",
            },
        )

    @admin.action(
        description=_("Record Civil Defence approval for the selected requests"), permissions=["civil_defence"]
    )
    def action_civil_defence_approve(self, request, queryset):
        done, refused = 0, []
        for obj in queryset:
            try:
                split_civil_defence_decide(application=obj, approved=True, actor=request.user)
                done += 1
            except TransitionError:
                refused.append(obj.reference)
        self.message_user(
            request,
            ngettext(
                "%(n)s request approved by the Civil Defence.", "%(n)s requests approved by the Civil Defence.", done
            )
            % {"n": done},
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request,
                gettext("Not waiting for the Civil Defence, left alone: %(refs)s") % {"refs": ", ".join(refused)},
                messages.WARNING,
            )

    def has_civil_defence_permission(self, request):
        return request.user.has_perm("licensing.civil_defence_splitapplication")
