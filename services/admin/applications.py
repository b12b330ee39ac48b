"""Admin building blocks every service reuses for its applications (the public names of ``services.admin``).

A service app's admin::

    from services.admin import ApplicationAdminMixin, ApplicationEventInline, transition_action

    @admin.register(AccidentClaim)
    class AccidentClaimAdmin(ApplicationAdminMixin, admin.ModelAdmin):
        inlines = [ApplicationEventInline]
        actions = [transition_action(ClaimStatus.CANCELLED, _("Cancel the selected claims"))]

Staff never edit a status: they act through admin actions that call the workflow functions, so the
admin, the website, the API and Celery all follow the same rules and leave the same events.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from services.models import Application, ApplicationEvent
from services.selectors import application_status_counts
from services.workflow import TransitionError, application_transition


class ApplicationEventInline(admin.TabularInline):
    """The full timeline, internal notes included, read-only (events are append-only)."""

    model = ApplicationEvent
    fk_name = "application"
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    fields = (
        "created_at",
        "from_label",
        "to_label",
        "actor",
        "actor_kind",
        "reason",
        "public_note",
        "internal_note",
        "deadline_at",
    )
    readonly_fields = fields
    ordering = ("created_at", "pk")
    verbose_name = _("event")
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "application")

    def has_view_permission(self, request, obj=None):
        # The timeline is part of the application: whoever may view the application (the service's
        # own model, e.g. licensing.view_splitapplication) sees it, without a services permission
        # that department groups do not hold (the admin would otherwise leave it out silently).
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("from"))
    def from_label(self, event):
        return event.from_label or "—"

    @admin.display(description=_("to"))
    def to_label(self, event):
        return event.to_label


class ApplicationStatusFilter(admin.SimpleListFilter):
    """Status with the workflow's labels and how many applications are in each (one query)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        queryset = model_admin.get_queryset(request)
        return [(status, f"{label} ({n})") for status, label, n in application_status_counts(queryset)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class ApplicationStateFilter(admin.SimpleListFilter):
    """Open / waiting on a deadline / closed, with counts."""

    title = _("state")
    parameter_name = "state"
    STATES = {
        "open": (_("Open"), Q(closed_at__isnull=True)),
        "deadline": (_("Waiting on a deadline"), Q(deadline_at__isnull=False)),
        "closed": (_("Closed"), Q(closed_at__isnull=False)),
    }

    def lookups(self, request, model_admin):
        counts = model_admin.get_queryset(request).aggregate(
            **{key: Count("pk", filter=condition) for key, (_label, condition) in self.STATES.items()}
        )
        return [(key, f"{label} ({counts[key]})") for key, (label, _condition) in self.STATES.items()]

    def queryset(self, request, queryset):
        state = self.STATES.get(self.value() or "")
        return queryset.filter(state[1]) if state else queryset


class ApplicationQueueFilter(admin.SimpleListFilter):
    """The department's queues (``ApplicationAdminMixin.queues``), each with its count."""

    title = _("Queue")
    parameter_name = "queue"

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        counts = model_admin.queue_counts(request)
        return [(key, f"{label} ({counts[key]})") for key, label, _statuses in model_admin.queues]

    def queryset(self, request, queryset):
        statuses = {key: statuses for key, _label, statuses in self.model_admin.queues}.get(self.value())
        return queryset.filter(status__in=statuses) if statuses else queryset


def transition_action(to_status: str, description, *, public_note="", reason=""):
    """An admin action moving the selected applications to ``to_status`` through the workflow.

    Each application moves in its own transaction; refused moves are reported, not forced.
    """

    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for application in queryset:
            try:
                application_transition(
                    application=application,
                    to_status=to_status,
                    actor=request.user,
                    actor_kind="staff",
                    reason=reason,
                    public_note=public_note,
                )
                moved += 1
            except TransitionError as error:
                refused.append(f"{application.reference}: {error}")
        if moved:
            modeladmin.message_user(
                request,
                ngettext("%(n)s application updated.", "%(n)s applications updated.", moved) % {"n": moved},
                level=messages.SUCCESS,
            )
        for line in refused:
            modeladmin.message_user(request, line, level=messages.ERROR)

    action.__name__ = f"move_to_{to_status}"
    return admin.action(description=description)(action)


class ApplicationAdminMixin:
    """Lists, filters, counts and a read-only lifecycle for a service's Application subclass.

    ``queues``: the department's work queues, one per step, as ``(key, label, statuses)``. When set,
    the changelist shows each with its count above the list (put ``ApplicationQueueFilter`` in
    ``list_filter`` to filter by them too).
    """

    queues: tuple | list = ()
    change_list_template = "admin/services/application_change_list.html"

    def queue_counts(self, request) -> dict[str, int]:
        """One query per request: how many applications wait in each queue (filter and header share it)."""
        cache = request.__dict__.setdefault("_application_queue_counts", {})
        if self.opts.label not in cache:
            queryset = self.get_queryset(request).order_by()
            by_status = dict(queryset.values_list("status").annotate(n=Count("pk")))
            cache[self.opts.label] = {
                key: sum(by_status.get(status, 0) for status in statuses) for key, _label, statuses in self.queues
            }
        return cache[self.opts.label]

    def changelist_view(self, request, extra_context=None):
        if self.queues:
            counts = self.queue_counts(request)
            extra_context = {
                **(extra_context or {}),
                "queues": [(key, label, counts[key]) for key, label, _statuses in self.queues],
                "current_queue": request.GET.get("queue", ""),
            }
        return super().changelist_view(request, extra_context=extra_context)

    list_display = (
        "reference",
        "applicant",
        "organisation",
        "status_badge",
        "submitted_at",
        "deadline_at",
        "closed_at",
    )
    list_display_links = ("reference",)
    list_filter = (ApplicationStatusFilter, ApplicationStateFilter, "submitted_at")
    list_select_related = ("applicant", "organisation")
    search_fields = (
        "reference",
        "applicant__national_id",
        "applicant__mobile",
        "applicant__full_name_ar",
        "applicant__full_name_en",
        "organisation__name_ar",
        "organisation__establishment_number",
    )
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    lifecycle_fields = (
        "reference",
        "kind",
        "status_badge",
        "applicant",
        "organisation",
        "service",
        "submitted_at",
        "closed_at",
        "deadline_at",
        "deadline_action",
        "deadline_reason",
        "created_at",
        "updated_at",
    )
    show_full_result_count = False

    @admin.display(description=_("Applicant"))
    def party(self, application):
        """Who the case is for: the organisation with the person acting for it, or the person."""
        if application.organisation_id:
            return f"{application.organisation.name_ar} ({application.applicant.display_name})"
        return application.applicant.display_name

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*self.lifecycle_fields, *(f for f in readonly if f not in self.lifecycle_fields)]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        # The lifecycle first; ``status`` itself is never a form field (only actions change it).
        rest = [f for f in fields if f not in self.lifecycle_fields and f != "status"]
        return [*self.lifecycle_fields, *rest]

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        return inlines if ApplicationEventInline in inlines else [*inlines, ApplicationEventInline]

    def has_add_permission(self, request):
        # Applications start from the citizen's side (or a service's own staff view) via application_create.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return obj.status_label


@admin.register(Application)
class ApplicationAdmin(ApplicationAdminMixin, admin.ModelAdmin):
    """Every application of every service in one list (supervisors); each links to its service's admin."""

    list_display = ("reference", "kind", "applicant", "organisation", "status_badge", "submitted_at", "deadline_at")
    list_filter = ("kind", ApplicationStatusFilter, ApplicationStateFilter, "submitted_at")
    lifecycle_fields = (*ApplicationAdminMixin.lifecycle_fields, "service_admin_link")

    @admin.display(description=_("in its service"))
    def service_admin_link(self, obj):
        specific = obj.specific()
        if specific is obj:
            return "—"
        opts = specific._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        except NoReverseMatch:  # the service has no admin for its model
            return "—"
        return format_html('<a href="{}">{}</a>', url, opts.verbose_name)
