"""The party's applications for the app, with their timelines (every service, one shape)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from api import schemas
from api.auth import api_party
from api.common import ERRORS, LIMIT, LIST_ERRORS, OFFSET, SLUG
from services.selectors import application_for_user, applications_for_party

applications_router = Router(tags=["applications"])


def application_out(application) -> dict:
    """An application as the app shows it (``schemas.ApplicationOut``), for every service's router."""
    action = application.next_action()
    return {
        "reference": application.reference,
        "kind": application.kind,
        "service": application.service.tr("name") if application.service_id else application.kind,
        "status": application.status,
        "status_label": str(application.status_label),
        "submitted_at": application.submitted_at,
        "closed_at": application.closed_at,
        "deadline_at": application.deadline_at,
        "deadline_reason": _(application.deadline_reason) if application.deadline_reason else "",
        "next_action": str(action[0]) if action else None,
        "timeline": [
            {
                "at": event.created_at,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "label": str(event.to_label),
                "by": str(event.get_actor_kind_display()),
                "reason": _(event.reason) if event.reason else "",
                "note": event.public_note,
            }
            for event in application.events.all()
        ],
    }


@applications_router.get(
    "",
    response={200: list[schemas.ApplicationOut], **LIST_ERRORS},
    summary="My applications",
    operation_id="api_endpoints_applications",
)
def applications(request, service: str = SLUG, status: str = SLUG, limit: int = LIMIT, offset: int = OFFSET):
    qs = applications_for_party(party=api_party(request), service_slug=service, status=status)
    return [application_out(a) for a in qs[offset : offset + limit]]


@applications_router.get(
    "/{reference}",
    response={200: schemas.ApplicationOut, **ERRORS},
    summary="One application",
    operation_id="api_endpoints_application",
)
def application(request, reference: str):
    found = application_for_user(user=request.user, reference=reference)
    if found is None:
        raise Http404
    return application_out(found)
