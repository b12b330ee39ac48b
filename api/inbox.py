"""The signed-in person's messages (the portal's inbox, SMS status included) for the app."""

from ninja import Router

from api import schemas
from api.common import LIMIT, LIST_ERRORS, OFFSET
from notifications.models import Notification

inbox_router = Router(tags=["inbox"])


@inbox_router.get(
    "",
    response={200: list[schemas.NotificationOut], **LIST_ERRORS},
    summary="My messages",
    operation_id="api_endpoints_inbox",
)
def inbox(request, limit: int = LIMIT, offset: int = OFFSET):
    qs = Notification.objects.filter(recipient=request.user).select_related("application")
    rows = list(qs[offset : offset + limit])
    return [
        {
            "id": n.pk,
            "text": n.text,
            "created_at": n.created_at,
            "sms_status": n.status,
            "read": n.read_at is not None,
            "application": n.application.reference if n.application_id else None,
        }
        for n in rows
    ]
