"""The one door through which every application is created and changes status.

A service's workflow is declared and registered in :mod:`services.registry`; applications are
created with :func:`application_create` and moved with :func:`application_transition`, which check
the move, write the append-only event and schedule the SMS after the commit.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.party import party_owns, user_can_access
from notifications.outbox import notify
from services import reference as refs
from services.models import Application, ApplicationEvent, Ending, Service
from services.registry import (  # noqa: F401 - the names service apps use with the workflow functions
    CLEAR,
    Deadline,
    TransitionError,
    Workflow,
    _registry,
    child_model_for,
    get_workflow,
    register_workflow,
    registered_workflows,
)
from services.signals import application_closed, application_closing

logger = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 8
# What a transition writes on the application row, and then copies onto the caller's instance.
TRANSITION_FIELDS = (
    "status",
    "submitted_at",
    "closed_at",
    "ending",
    "deadline_at",
    "deadline_action",
    "deadline_reason",
    "deadline_set_at",
    "updated_at",
)


def _stored(text) -> str:
    """A translatable string is stored as its msgid, so it can be shown in each reader's language."""
    if isinstance(text, Promise):
        with translation.override(None):
            return str(text)
    return str(text or "")


def _check_deadline(workflow: type[Workflow], status: str, deadline: Deadline) -> None:
    if timezone.is_naive(deadline.at):
        raise ValueError("A deadline is an aware datetime.")
    if not workflow.can(status, deadline.action):
        raise ValueError(f"Deadline action {status!r} -> {deadline.action!r} is not an allowed move.")


def _ending(workflow: type[Workflow], status: str, actor_kind: str) -> str:
    """How an application that moves to the final ``status`` ends (services.models.Ending)."""
    if status in workflow.completed:
        return Ending.COMPLETED
    if status in workflow.refused:
        return Ending.REFUSED
    return {
        ApplicationEvent.ActorKind.SYSTEM: Ending.DEADLINE,
        ApplicationEvent.ActorKind.STAFF: Ending.STAFF,
    }.get(actor_kind, Ending.APPLICANT)


def _closed_on_commit(application) -> None:
    """Tell the apps above (the performance figures) of the closing: in this transaction (their rollups),
    then once it is committed, not before (their caches)."""
    application_closing.send(sender=Application, application=application)
    sent = {"application_id": application.pk, "kind": application.kind, "status": application.status}
    transaction.on_commit(lambda: application_closed.send(sender=Application, **sent))


def _event_sms(*, application, event, sms) -> None:
    text, context = sms
    notify(
        text=text,
        context={"reference": application.reference, **(context or {})},
        recipient=application.applicant,
        dedupe_key=f"application:{application.pk}:event:{event.pk}",
        application=application,
    )


def application_require_status(application, *allowed: str, message) -> None:
    """Refuse a step the application's current status does not allow (``message`` is shown)."""
    if application.status not in allowed:
        raise TransitionError(message, application=application, from_status=application.status)


def application_require_party(application, party) -> None:
    """Acting on an application needs the party that owns it (views answer 404 before this)."""
    if not party_owns(party, applicant_id=application.applicant_id, organisation_id=application.organisation_id):
        raise PermissionDenied(gettext("This request is not yours."))


def application_payer_name(application) -> str:
    """The name a bill for this application is made out to: the organisation's, or the person's."""
    if application.organisation_id:
        return application.organisation.name_ar
    return application.applicant.display_name


def application_create(
    *,
    model: type,
    applicant,
    organisation=None,
    service_slug: str | None,
    status: str,
    actor=None,
    actor_kind: str = "citizen",
    reason: str | Promise = "",
    public_note: str | Promise = "",
    internal_note: str = "",
    deadline: Deadline | None = None,
    sms: tuple[Any, dict] | None = None,
    **fields,
):
    """Create ``model`` (an Application subclass) with a fresh reference and its first event.

    ``fields`` are the service model's own fields. ``actor`` defaults to the applicant. The applicant
    must belong to ``organisation`` when one is given.
    """
    if actor is None and actor_kind == ApplicationEvent.ActorKind.CITIZEN:
        actor = applicant
    if actor is None and actor_kind != ApplicationEvent.ActorKind.SYSTEM:
        raise ValueError("Only the system acts without an actor.")
    kind = fields.pop("kind", None) or model._meta.app_label
    workflow = get_workflow(kind)
    if status not in workflow.statuses.values:
        raise ValueError(f"{status!r} is not a status of {workflow.__name__}.")
    if organisation is not None and not user_can_access(applicant, applicant_id=None, organisation_id=organisation.pk):
        raise PermissionDenied(gettext("You do not act for this organisation."))
    if deadline is not None:
        _check_deadline(workflow, status, deadline)
    if not issubclass(model, Application):
        raise TypeError(f"{model.__name__} does not inherit from services.models.Application.")

    now = timezone.now()
    service = Service.objects.filter(slug=service_slug).first() if service_slug else None
    with transaction.atomic():
        for attempt in range(1, REFERENCE_ATTEMPTS + 1):
            reference = refs.reference_new(prefix=workflow.prefix())
            instance = model(
                reference=reference,
                kind=kind,
                applicant=applicant,
                organisation=organisation,
                service=service,
                status=status,
                submitted_at=None if status in workflow.drafts else now,
                closed_at=now if status in workflow.final else None,
                online=actor_kind == ApplicationEvent.ActorKind.CITIZEN,
                ending=_ending(workflow, status, actor_kind) if status in workflow.final else "",
                deadline_at=deadline.at if deadline else None,
                deadline_action=deadline.action if deadline else "",
                deadline_reason=_stored(deadline.reason) if deadline else "",
                deadline_set_at=now if deadline else None,
                **fields,
            )
            try:
                # A savepoint, so a clash of random references does not spoil the caller's transaction.
                with transaction.atomic():
                    instance.save()
                break
            except IntegrityError:
                if not Application.objects.filter(reference=reference).exists():
                    raise
                logger.warning("Reference %s already taken (attempt %s); drawing another.", reference, attempt)
        else:  # pragma: no cover - 8 clashes in a row means the prefix's space is exhausted
            raise RuntimeError(f"No free reference after {REFERENCE_ATTEMPTS} attempts for {kind!r}.")

        event = ApplicationEvent.objects.create(
            application=instance,
            from_status="",
            to_status=status,
            actor=actor,
            actor_kind=actor_kind,
            reason=_stored(reason),
            public_note=_stored(public_note),
            internal_note=internal_note,
            deadline_at=deadline.at if deadline else None,
            created_at=now,
        )
        if sms is not None:
            _event_sms(application=instance, event=event, sms=sms)
        if instance.closed_at is not None:
            _closed_on_commit(instance)
    return instance


def application_transition(
    *,
    application,
    to_status: str,
    actor=None,
    actor_kind: str = "citizen",
    reason: str | Promise = "",
    public_note: str | Promise = "",
    internal_note: str = "",
    deadline: Deadline | None | Any = None,
    sms: tuple[Any, dict] | None = None,
    expected_status: str | None = None,
):
    """Move ``application`` to ``to_status`` if its workflow allows it; returns the ApplicationEvent.

    Locks the row, so the move is checked against the status as it is now in the database (not as
    the caller last saw it); raises :class:`TransitionError` otherwise. ``expected_status`` refuses the
    move unless the row is still in that status (for callers that decided on what they had read).

    ``deadline``: a :class:`Deadline` sets one (its action must be allowed from ``to_status``),
    ``CLEAR`` removes it, None keeps the current one only while its action is still allowed from
    ``to_status``. A final status sets ``closed_at`` and removes any deadline.
    ``sms=(text, context)`` notifies the applicant through ``notifications.outbox.notify``; the
    Notification row is written in this transaction and sent after the commit.
    """
    if actor_kind not in ApplicationEvent.ActorKind.values:
        raise ValueError(f"actor_kind must be one of {ApplicationEvent.ActorKind.values}.")
    if actor is None and actor_kind != ApplicationEvent.ActorKind.SYSTEM:
        raise ValueError("Only the system acts without an actor.")
    workflow = get_workflow(application.kind)

    with transaction.atomic():
        row = Application.objects.select_for_update().get(pk=application.pk)
        from_status = row.status
        if expected_status is not None and from_status != expected_status:
            raise TransitionError(
                _("This application has changed meanwhile: it is now “%(status)s”.")
                % {"status": workflow.label(from_status)},
                application=application,
                from_status=from_status,
                to_status=to_status,
            )
        if not workflow.can(from_status, to_status):
            raise TransitionError(
                _("An application that is “%(from)s” cannot become “%(to)s”.")
                % {"from": workflow.label(from_status), "to": workflow.label(to_status)},
                application=application,
                from_status=from_status,
                to_status=to_status,
            )

        now = timezone.now()
        row.status = to_status
        if from_status in workflow.drafts and to_status not in workflow.drafts and row.submitted_at is None:
            row.submitted_at = now
        if to_status in workflow.final:
            row.closed_at = now
            row.ending = _ending(workflow, to_status, actor_kind)
            if deadline is not None and deadline is not CLEAR:
                raise ValueError(f"{to_status!r} is final: it cannot have a deadline.")
            deadline = CLEAR
        new_deadline_at = None
        if isinstance(deadline, Deadline):
            _check_deadline(workflow, to_status, deadline)
            row.deadline_at, row.deadline_action = deadline.at, deadline.action
            row.deadline_reason, row.deadline_set_at = _stored(deadline.reason), now
            new_deadline_at = deadline.at
        elif deadline is CLEAR or (row.deadline_at is not None and not workflow.can(to_status, row.deadline_action)):
            row.deadline_at, row.deadline_action, row.deadline_reason, row.deadline_set_at = None, "", "", None
        elif deadline is not None:
            raise TypeError("deadline is None, a Deadline or CLEAR.")

        row._lifecycle_write = True
        try:
            row.save(update_fields=list(TRANSITION_FIELDS))
        finally:
            row._lifecycle_write = False

        event = ApplicationEvent.objects.create(
            application=row,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            actor_kind=actor_kind,
            reason=_stored(reason),
            public_note=_stored(public_note),
            internal_note=internal_note,
            deadline_at=new_deadline_at,
            created_at=now,
        )
        # The caller's instance (often the service's own model) now shows the row as it is.
        for name in TRANSITION_FIELDS:
            setattr(application, name, getattr(row, name))
        application._loaded_status = to_status
        if sms is not None:
            _event_sms(application=row, event=event, sms=sms)
        if to_status in workflow.final:
            _closed_on_commit(row)
    return event
