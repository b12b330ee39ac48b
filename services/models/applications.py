"""The application lifecycle every procedural service shares .

Use them as ``services.models.Application`` etc. A service's own model inherits from :class:`Application`
(multi-table inheritance), e.g. ``class AccidentClaim(Application)``.

Status, deadline, submitted/closed times change only through ``services.workflow.application_transition``;
``Application.save()`` refuses a status change made any other way and never writes those fields from a
stale instance.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.party import party_q
from core.dates import datetime_text
from services.registry import child_model_for, get_workflow

# Written only by services.workflow (a stale instance's full save() must never roll them back).
LIFECYCLE_FIELDS = frozenset(
    {"reference", "kind", "status", "submitted_at", "closed_at", "deadline_at", "deadline_action", "deadline_reason"}
    | {"deadline_set_at", "online", "ending"}
)


class Ending(models.TextChoices):
    """How an application ended, set by the workflow with ``closed_at``: the service delivered, refused on its
    merits (the workflow's ``refused`` statuses), or cancelled, by whom (the deadline sweep is the system)."""

    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    DEADLINE = "deadline", _("Deadline passed")
    STAFF = "staff", _("Cancelled by staff")
    APPLICANT = "applicant", _("Withdrawn by the applicant")


class LifecycleError(RuntimeError):
    """A programming error: code tried to change an application's status outside the workflow."""


class ApplicationQuerySet(models.QuerySet):
    def for_party(self, party):
        return self.filter(party_q(party))

    def open(self):
        return self.filter(closed_at__isnull=True)

    def deadline_due(self, *, now):
        return self.filter(deadline_at__isnull=False, deadline_at__lte=now)


class Application(models.Model):
    """One request by a person (for themselves or an organisation) to one procedural service."""

    reference = models.CharField(_("reference number"), max_length=12, unique=True, editable=False)
    # The service app's label ("accidents"): picks the workflow and the child model.
    kind = models.CharField(_("service kind"), max_length=40, db_index=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    service = models.ForeignKey(
        "services.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    status = models.CharField(_("status"), max_length=40, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    # The status the application moves to when the deadline passes.
    deadline_action = models.CharField(_("when the deadline passes, move to"), max_length=40, blank=True)
    # Stored as the English msgid when given a translatable string, translated when shown.
    deadline_reason = models.CharField(_("deadline reason"), max_length=300, blank=True)
    # Reminders are only worth sending when the person was given more notice than the reminder's offset.
    deadline_set_at = models.DateTimeField(_("deadline set at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Started by the applicant on the portal themselves (the digital take-up), set at creation.
    online = models.BooleanField(_("started online"), default=False, editable=False)
    # How it ended (Ending), set with closed_at; blank while open.
    ending = models.CharField(_("ending"), max_length=10, choices=Ending.choices, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="application_org_created"),
            models.Index(fields=["applicant", "-created_at"], name="application_applicant_created"),
            # Counts of today's submissions (performance figures not yet rolled up).
            models.Index(fields=["submitted_at"], name="application_submitted"),
            # Work waiting (performance.selectors.waiting_work): open applications per service and step, counted
            # on this index, and the one waiting longest (by submission, else creation) its first entry.
            models.Index(
                "kind",
                "status",
                Coalesce("submitted_at", "created_at"),
                "id",
                name="application_open",
                condition=models.Q(closed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind=""), name="application_kind_set"),
            models.CheckConstraint(condition=~models.Q(status=""), name="application_status_set"),
            # A deadline is an instant and what happens then: both or neither.
            models.CheckConstraint(
                condition=(
                    models.Q(deadline_at__isnull=True, deadline_action="")
                    | (models.Q(deadline_at__isnull=False) & ~models.Q(deadline_action=""))
                ),
                name="application_deadline_complete",
            ),
            # A closed application waits for nothing.
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | models.Q(deadline_at__isnull=True),
                name="application_closed_has_no_deadline",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if not self.kind:
            self.kind = self._meta.app_label
        if not self._state.adding and not getattr(self, "_lifecycle_write", False):
            loaded = getattr(self, "_loaded_status", self.status)
            if self.status != loaded:
                raise LifecycleError(
                    f"{self.reference}: status {loaded!r} -> {self.status!r} must go through "
                    "services.workflow.application_transition()."
                )
            update_fields = kwargs.get("update_fields")
            if update_fields is None:
                # Leave the lifecycle columns alone: this instance may be older than the row.
                skip = LIFECYCLE_FIELDS | self.get_deferred_fields()
                kwargs["update_fields"] = [
                    f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in skip
                ]
            elif LIFECYCLE_FIELDS & set(update_fields):
                raise LifecycleError(f"{sorted(LIFECYCLE_FIELDS & set(update_fields))} change only in the workflow.")
        else:
            self._check_status_known()
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def get_absolute_url(self):
        return reverse("services:application-detail", kwargs={"reference": self.reference})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def _check_status_known(self):
        workflow = get_workflow(self.kind, default=None)
        if workflow is not None and self.status not in workflow.statuses.values:
            raise LifecycleError(f"{self.status!r} is not a status of the {self.kind!r} workflow.")

    # --- reads used by templates and admin ------------------------------------------------
    @property
    def workflow(self):
        return get_workflow(self.kind)

    @property
    def status_label(self) -> str:
        workflow = get_workflow(self.kind, default=None)
        return workflow.label(self.status) if workflow else self.status

    def get_status_display(self) -> str:
        return self.status_label

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def next_action(self):
        """``(label, url)`` of what the applicant must do next, or None."""
        workflow = get_workflow(self.kind, default=None)
        return workflow.next_action_for(self) if workflow else None

    def specific(self):
        """This application as its service's own model (``AccidentClaim``), or itself if it has none."""
        model = child_model_for(self.kind)
        if model is None or isinstance(self, model):
            return self
        return model.objects.get(pk=self.pk)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LifecycleError("Application events are append-only.")

    def delete(self):
        raise LifecycleError("Application events are append-only.")


class ApplicationEvent(models.Model):
    """One thing that happened to an application: a status move (or its creation), who did it and why.

    Append-only: the citizen's timeline and the staff's audit trail are read from here. The model
    refuses updates and deletes, and on PostgreSQL a trigger refuses them too (migration 0003).
    """

    class ActorKind(models.TextChoices):
        CITIZEN = "citizen", _("Applicant")
        STAFF = "staff", _("Municipality staff")
        SYSTEM = "system", _("System")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField(_("from status"), max_length=40, blank=True)
    to_status = models.CharField(_("to status"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_kind = models.CharField(_("by whom"), max_length=10, choices=ActorKind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    public_note = models.TextField(_("note to the applicant"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    # The deadline this move set (None: none, or the previous one kept/cleared).
    deadline_at = models.DateTimeField(_("deadline set"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        constraints = [
            models.CheckConstraint(condition=~models.Q(to_status=""), name="application_event_to_status_set"),
            models.CheckConstraint(
                condition=models.Q(actor_kind__in=["citizen", "staff", "system"]),
                name="application_event_actor_kind_valid",
            ),
            # Only the system acts without a person behind it.
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | models.Q(actor_kind="system"),
                name="application_event_actor_present",
            ),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.from_status or '-'} -> {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LifecycleError("Application events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LifecycleError("Application events are append-only.")

    def _label(self, status: str) -> str:
        workflow = get_workflow(self.application.kind, default=None) if status else None
        return workflow.label(status) if workflow else status

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)


class ApplicationReminder(models.Model):
    """A reminder SMS sent before a deadline: one row per (application, deadline, offset), sent once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    deadline_at = models.DateTimeField(_("deadline"))
    offset_hours = models.PositiveSmallIntegerField(_("hours before the deadline"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "deadline_at", "offset_hours"], name="application_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.application_id} {datetime_text(self.deadline_at)} -{self.offset_hours}h"
