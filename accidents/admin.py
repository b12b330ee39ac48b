"""Staff side of the accident claim service: queues per step, decisions with reasons, files, timeline.

Every decision calls a function of ``accidents.workflow``; the admin never edits a claim's fields.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accidents.constants import ClaimStatus
from accidents.forms import LetterDecisionForm, ReasonForm, ValuationFormSet, ValuationNoteForm
from accidents.insurance import InsuranceUnavailableError
from accidents.models import AccidentClaim, InsuranceCompany, InsurancePolicy, ValuationItem
from accidents.workflow import (
    ValuationLine,
    claim_cancel,
    claim_insurance_check,
    claim_letter_decide,
    claim_value,
)
from services.admin import (
    ApplicationAdminMixin,
    ApplicationEventInline,
    ApplicationQueueFilter,
    ApplicationStatusFilter,
)
from services.models import IssuedDocument
from services.workflow import TransitionError

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


class ValuationItemInline(admin.TabularInline):
    model = ValuationItem
    extra = 0
    can_delete = False
    fields = ("position", "department", "description", "quantity", "unit", "unit_price", "amount")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _notification_inline():
    from notifications.models import Notification

    if not any(f.name == "application" for f in Notification._meta.get_fields()):
        return None

    class NotificationInline(_SeenWithTheClaim, admin.TabularInline):
        model = Notification
        fk_name = "application"
        extra = 0
        can_delete = False
        verbose_name_plural = _("SMS sent")
        fields = ("created_at", "mobile", "text", "status")
        readonly_fields = fields

        def has_add_permission(self, request, obj=None):
            return False

        def has_change_permission(self, request, obj=None):
            return False

    return NotificationInline


class DocumentInline(_SeenWithTheClaim, admin.TabularInline):
    model = IssuedDocument
    fk_name = "application"
    extra = 0
    can_delete = False
    verbose_name_plural = _("Issued documents")
    fields = ("title", "code", "issued_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccidentClaim)
class AccidentClaimAdmin(ApplicationAdminMixin, admin.ModelAdmin):
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

    def get_inlines(self, request, obj):
        inlines = [ValuationItemInline, ClaimTimelineInline, DocumentInline]
        notification_inline = _notification_inline()
        if notification_inline is not None:
            inlines.append(notification_inline)
        return inlines

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
    @admin.display(description=_("Applicant"))
    def party(self, claim):
        if claim.organisation_id:
            return f"{claim.organisation.name_ar} ({claim.applicant.display_name})"
        return claim.applicant.display_name

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
        from django.utils import timezone

        reason = gettext(claim.deadline_reason) if claim.deadline_reason else ""
        return f"{timezone.localtime(claim.deadline_at):%Y-%m-%d %H:%M} ({reason})"

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "decisions": self._decisions(request, claim) if claim else []}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _decisions(self, request, claim):
        """The buttons for what staff may do now, given the claim's status and their permissions."""
        user = request.user
        buttons = []
        if claim.status == S.SUBMITTED and user.has_perm("accidents.value_accidentclaim"):
            buttons.append(("value", _("Value the damage"), "default"))
        if claim.status == S.VALUED and user.has_perm("accidents.check_insurance_accidentclaim"):
            buttons.append(("insurance", _("Check the insurance again"), "default"))
        if claim.status == S.LETTER_REVIEW and user.has_perm("accidents.review_letter_accidentclaim"):
            buttons.append(("letter", _("Review the insurer's letter"), "default"))
        if not claim.is_closed and user.has_perm("accidents.cancel_accidentclaim"):
            buttons.append(("cancel", _("Cancel the request"), "deletelink"))
        return [
            (reverse(f"admin:accidents_accidentclaim_{name}", args=[claim.pk]), label, css)
            for name, label, css in buttons
        ]

    # --- decision pages --------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/value/", view(self.value_view), name="accidents_accidentclaim_value"),
            path("<int:pk>/insurance/", view(self.insurance_view), name="accidents_accidentclaim_insurance"),
            path("<int:pk>/letter/", view(self.letter_view), name="accidents_accidentclaim_letter"),
            path("<int:pk>/cancel/", view(self.cancel_view), name="accidents_accidentclaim_cancel"),
            path("<int:pk>/file/<str:which>/", view(self.file_view), name="accidents_accidentclaim_file"),
            *super().get_urls(),
        ]

    def _claim(self, request, pk, perm: str | None):
        claim = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        if perm and not request.user.has_perm(f"accidents.{perm}"):
            raise PermissionDenied
        return claim

    def _change_url(self, claim):
        return reverse("admin:accidents_accidentclaim_change", args=[claim.pk])

    def _render(self, request, claim, template, context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "claim": claim,
                "original": claim,
                "title": context.pop("title"),
                "items": list(claim.items.all()),
                **context,
            },
        )

    def value_view(self, request, pk):
        claim = self._claim(request, pk, "value_accidentclaim")
        formset = ValuationFormSet(request.POST or None, prefix="items")
        note_form = ValuationNoteForm(request.POST or None)
        if request.method == "POST" and formset.is_valid() and note_form.is_valid():
            lines = [
                ValuationLine(
                    department=f.cleaned_data["department"],
                    description=f.cleaned_data["description"],
                    quantity=f.cleaned_data["quantity"],
                    unit=f.cleaned_data["unit"],
                    unit_price=f.cleaned_data["unit_price"],
                )
                for f in formset.forms
                if f.cleaned_data
            ]
            try:
                claim = claim_value(
                    claim=claim, lines=lines, actor=request.user, public_note=note_form.cleaned_data["public_note"]
                )
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(self._change_url(claim))
            else:
                self.message_user(
                    request,
                    gettext("Valued at %(amount)s JOD. The request is now: %(status)s.")
                    % {"amount": f"{claim.damage_amount:.3f}", "status": claim.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(claim))
        return self._render(
            request,
            claim,
            "admin/accidents/accidentclaim/value.html",
            {
                "title": gettext("Value the damage of %(reference)s") % {"reference": claim.reference},
                "formset": formset,
                "note_form": note_form,
            },
        )

    def insurance_view(self, request, pk):
        claim = self._claim(request, pk, "check_insurance_accidentclaim")
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(claim))
        try:
            claim = claim_insurance_check(claim=claim, actor=request.user)
        except (TransitionError, InsuranceUnavailableError) as exc:
            self.message_user(request, str(exc) or gettext("The insurance registry is not answering."), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Insurance %(state)s. The request is now: %(status)s.")
                % {"state": claim.get_insurance_state_display(), "status": claim.get_status_display()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(claim))

    def letter_view(self, request, pk):
        claim = self._claim(request, pk, "review_letter_accidentclaim")
        form = LetterDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                claim = claim_letter_decide(
                    claim=claim,
                    actor=request.user,
                    valid=form.cleaned_data["decision"] == "valid",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error("reason", exc)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(self._change_url(claim))
            else:
                self.message_user(
                    request,
                    gettext("Decision recorded. The request is now: %(status)s.")
                    % {"status": claim.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(claim))
        return self._render(
            request,
            claim,
            "admin/accidents/accidentclaim/letter.html",
            {
                "title": gettext("Review the insurer's letter of %(reference)s") % {"reference": claim.reference},
                "form": form,
                "letter_url": reverse("admin:accidents_accidentclaim_file", args=[claim.pk, "letter"]),
            },
        )

    def cancel_view(self, request, pk):
        claim = self._claim(request, pk, "cancel_accidentclaim")
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                claim = claim_cancel(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error("reason", exc)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(self._change_url(claim))
            else:
                self.message_user(request, gettext("The request is cancelled."), messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(claim))
        return self._render(
            request,
            claim,
            "admin/accidents/accidentclaim/cancel.html",
            {"title": gettext("Cancel %(reference)s") % {"reference": claim.reference}, "form": form},
        )

    def file_view(self, request, pk, which):
        """The sketch or the letter, to staff who may view this claim (never a public URL)."""
        claim = self._claim(request, pk, None)
        upload = {"sketch": claim.sketch, "letter": claim.letter}.get(which)
        if upload is None:
            raise Http404
        response = FileResponse(upload.file.open("rb"), content_type=upload.content_type)
        response["Content-Disposition"] = f'inline; filename="{claim.reference}-{which}.{upload.extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    # --- bulk actions ----------------------------------------------------------------------------
    @admin.action(description=_("Check the insurance again (valued requests)"), permissions=["check_insurance"])
    def action_check_insurance(self, request, queryset):
        done, refused = 0, 0
        for claim in queryset.filter(status=S.VALUED):
            try:
                claim_insurance_check(claim=claim, actor=request.user)
                done += 1
            except (TransitionError, InsuranceUnavailableError):
                refused += 1
        skipped = queryset.exclude(status=S.VALUED).count()
        self.message_user(
            request,
            gettext("Insurance checked on %(done)s request(s); %(other)s not waiting for a check were left alone.")
            % {"done": done, "other": skipped + refused},
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(description=_("Cancel the selected requests (with a reason)"), permissions=["cancel"])
    def action_cancel(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            cancelled, refused = 0, []
            for claim in queryset:
                try:
                    claim_cancel(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
                    cancelled += 1
                except TransitionError:
                    refused.append(claim.reference)
            self.message_user(request, gettext("%(n)s request(s) cancelled.") % {"n": cancelled}, messages.SUCCESS)
            if refused:
                self.message_user(
                    request,
                    gettext("Already closed, left alone: %(refs)s") % {"refs": ", ".join(refused)},
                    messages.WARNING,
                )
            return None
        return TemplateResponse(
            request,
            "admin/accidents/accidentclaim/cancel_many.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Cancel the selected requests"),
                "claims": queryset,
                "form": form,
                "action": "action_cancel",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def has_check_insurance_permission(self, request):
        return request.user.has_perm("accidents.check_insurance_accidentclaim")

    def has_cancel_permission(self, request):
        return request.user.has_perm("accidents.cancel_accidentclaim")


@admin.register(InsuranceCompany)
class InsuranceCompanyAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "code", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_ar", "name_en", "code")


class PolicyStateFilter(admin.SimpleListFilter):
    title = _("In force today")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        from django.db.models import Q
        from django.utils import timezone

        today = timezone.localdate()
        in_force = Q(starts_on__lte=today, ends_on__gte=today) & (
            Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=today)
        )
        if self.value() == "yes":
            return queryset.filter(in_force)
        if self.value() == "no":
            return queryset.exclude(in_force)
        return queryset


@admin.register(InsurancePolicy)
class InsurancePolicyAdmin(admin.ModelAdmin):
    """The local insurance registry (step 3); staff keep it here or load the insurers' files."""

    list_display = (
        "policy_number",
        "insurer",
        "registration_number",
        "plate_code",
        "plate_number",
        "starts_on",
        "ends_on",
        "cancelled_on",
        "source",
    )
    list_filter = (PolicyStateFilter, "insurer", "source")
    search_fields = ("policy_number", "registration_number", "plate_number")
    list_select_related = ("insurer",)
    readonly_fields = ("source", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.source = InsurancePolicy.Source.STAFF
        super().save_model(request, obj, form, change)
