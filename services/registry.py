"""The workflow registry: what each service's lifecycle is, asked by kind.

A service app declares its workflow once (statuses, allowed moves, final statuses, which final
statuses mean the service was delivered or refused, the applicant's next action per status, its bill
kinds) and registers it in its ``AppConfig.ready``::

    class ClaimWorkflow(Workflow):
        kind = "accidents"
        statuses = ClaimStatus
        transitions = {ClaimStatus.SUBMITTED: {ClaimStatus.VALUED, ClaimStatus.CANCELLED}, ...}
        final = {ClaimStatus.RELEASED, ClaimStatus.CANCELLED}
        completed = {ClaimStatus.RELEASED}
        next_action = {ClaimStatus.AWAITING_CHOICE: (_("Choose how to pay"), "accidents:choose")}

    # accidents/apps.py
    def ready(self):
        register_workflow(ClaimWorkflow)

This module imports no model, so models, selectors and the performance figures can all ask it.
Writes (creating an application, moving its status) are in :mod:`services.workflow`.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from services import reference as refs


class TransitionError(Exception):
    """A move the workflow does not allow (the message is translated and safe to show)."""

    def __init__(self, message, *, application=None, from_status: str = "", to_status: str = ""):
        super().__init__(message)
        self.message = message
        self.application = application
        self.from_status = from_status
        self.to_status = to_status

    def __str__(self):
        return str(self.message)


@dataclasses.dataclass(frozen=True)
class Deadline:
    """An instant and what happens when it passes: move to ``action`` (a status), because ``reason``."""

    at: datetime
    action: str
    reason: str | Promise = ""

    @classmethod
    def after(cls, delta: timedelta, *, action: str, reason: str | Promise = "", now: datetime | None = None):
        return cls(at=(now or timezone.now()) + delta, action=action, reason=reason)


class _Clear:
    def __repr__(self):
        return "CLEAR"


# Pass as ``deadline=CLEAR`` to remove the application's deadline.
CLEAR: Any = _Clear()


class Workflow:
    """A service's lifecycle. Subclass per service and register with :func:`register_workflow`."""

    kind: ClassVar[str]
    statuses: ClassVar[type[models.TextChoices]]
    transitions: ClassVar[dict[str, set[str]]] = {}
    final: ClassVar[set[str]] = set()
    # status -> (label, url name): the applicant's to-do, reversed with kwargs={"reference": ...}.
    next_action: ClassVar[dict[str, tuple[Any, str]]] = {}
    # Statuses before the applicant has submitted (e.g. fees not yet paid); leaving them sets submitted_at.
    drafts: ClassVar[set[str]] = set()
    # Two capital letters printed before every reference number; default: the kind's first two letters.
    reference_prefix: ClassVar[str] = ""
    # Final statuses in which the service was delivered, and those that are a refusal on the merits
    # (any other final status is a cancellation): the performance figures read them.
    completed: ClassVar[set[str]] = set()
    refused: ClassVar[set[str]] = set()
    # payments.Bill.kind of every bill this service makes, and its catalogue card (services.Service.slug).
    bill_kinds: ClassVar[tuple[str, ...]] = ()
    service_slug: ClassVar[str] = ""

    @classmethod
    def prefix(cls) -> str:
        return (cls.reference_prefix or cls.kind[:2]).upper()

    @classmethod
    def can(cls, from_status: str, to_status: str) -> bool:
        return to_status in cls.transitions.get(from_status, set())

    @classmethod
    def label(cls, status: str) -> str:
        try:
            return str(cls.statuses(status).label)
        except ValueError:
            return status

    @classmethod
    def next_action_url(cls, application, url_name: str) -> str:
        """Override when a service's next-action URL takes other arguments."""
        return reverse(url_name, kwargs={"reference": application.reference})

    @classmethod
    def next_action_for(cls, application) -> tuple[str, str] | None:
        entry = cls.next_action.get(application.status)
        if entry is None or application.closed_at is not None:
            return None
        label, url_name = entry
        return str(label), cls.next_action_url(application, url_name)

    @classmethod
    def on_deadline(cls, application) -> None:
        """Called by the deadline sweep inside its transaction, after the move (e.g. to close an open bill).

        ``application`` is the service's own model instance (``application.specific()``).
        """


_registry: dict[str, type[Workflow]] = {}


def register_workflow(workflow: type[Workflow]) -> type[Workflow]:
    """Register ``workflow`` under ``workflow.kind`` (usable as a class decorator). Checks the map is sound."""
    values = set(workflow.statuses.values)
    used = set(workflow.transitions) | {s for targets in workflow.transitions.values() for s in targets}
    used |= set(workflow.final) | set(workflow.next_action) | set(workflow.drafts)
    used |= set(workflow.completed) | set(workflow.refused)
    unknown = used - values
    if unknown:
        raise ValueError(f"{workflow.__name__}: statuses {sorted(unknown)} are not in {workflow.statuses.__name__}.")
    not_final = (set(workflow.completed) | set(workflow.refused)) - set(workflow.final)
    if not_final:
        raise ValueError(f"{workflow.__name__}: completed or refused statuses {sorted(not_final)} are not final.")
    leaving_final = {s for s in workflow.final if workflow.transitions.get(s)}
    if leaving_final:
        raise ValueError(f"{workflow.__name__}: final statuses {sorted(leaving_final)} have moves out of them.")
    refs.reference_new(prefix=workflow.prefix())  # raises on a bad prefix
    existing = _registry.get(workflow.kind)
    if existing is not None and existing.__qualname__ != workflow.__qualname__:
        raise ValueError(f"Two workflows for {workflow.kind!r}: {existing.__name__} and {workflow.__name__}.")
    _registry[workflow.kind] = workflow
    return workflow


_MISSING = object()


def get_workflow(kind: str, default: Any = _MISSING) -> type[Workflow]:
    """The workflow registered for ``kind``; LookupError (or ``default``) when there is none."""
    try:
        return _registry[kind]
    except KeyError:
        if default is not _MISSING:
            return default
        raise LookupError(f"No workflow registered for {kind!r}; call register_workflow() in its app.") from None


def registered_workflows() -> dict[str, type[Workflow]]:
    return dict(_registry)


def child_model_for(kind: str):
    """The service model (subclass of Application) whose app label is ``kind``, or None."""
    application = apps.get_model("services", "Application")
    for model in apps.get_models():
        if model is not application and issubclass(model, application) and model._meta.app_label == kind:
            return model
    return None
