"""The person's inbox: every SMS the portal sent or tried to send them."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from notifications.models import Notification

INBOX_PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request):
    """The signed-in person's messages, newest first; listing them marks them read."""
    messages_qs = Notification.objects.filter(recipient=request.user).select_related("application")
    page = Paginator(messages_qs, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    unread_ids = [n.pk for n in page if n.read_at is None]
    response = render(request, "notifications/inbox.html", {"page": page, "unread_ids": set(unread_ids)})
    # Seen once listed; the page just rendered still shows them as new.
    if unread_ids:
        Notification.objects.filter(pk__in=unread_ids, read_at__isnull=True).update(read_at=timezone.now())
    return response
