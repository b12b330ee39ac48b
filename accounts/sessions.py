"""Signed-in sessions a person can see and end ("My devices"), on top of Django's session store.

Django's store cannot be searched by person, so each sign-in writes a :class:`UserSession` row naming
the session by its key; the session carries the row's id back (``SESSION_ROW_KEY``), so the row follows
the session when Django cycles its key (a password change does). Ending a session deletes it from the
store, wherever that is (database, cache), and then its row.
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from ua_parser import parse

from accounts.constants import SESSION_TOUCH_PRECISION
from accounts.models import User, UserSession
from core.ratelimit import client_ip

SESSION_ROW_KEY = "accounts.session_row"
TOUCH_CACHE_PREFIX = "accounts.session_row_seen:"
USER_AGENT_MAX = 300


def device_name(user_agent: str) -> str:
    """ "Chrome Mobile on Android", "Mobile Safari on iOS", or "" when the browser does not say."""
    if not user_agent:
        return ""
    parsed = parse(user_agent[:USER_AGENT_MAX])
    browser = parsed.user_agent.family if parsed.user_agent and parsed.user_agent.family != "Other" else ""
    system = parsed.os.family if parsed.os and parsed.os.family != "Other" else ""
    if browser and system:
        return f"{browser} — {system}"[:100]
    return (browser or system)[:100]


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_row_start(*, request, user: User) -> UserSession | None:
    """At sign-in: write the row for this browser's session (its key exists once ``login()`` ran)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if not session.session_key:
        session.save()
    user_agent = (request.META.get("HTTP_USER_AGENT") or "")[:USER_AGENT_MAX]
    now = timezone.now()
    row, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "user_agent": user_agent,
            "device": device_name(user_agent),
            "ip_address": client_ip(request),
            "created_at": now,
            "last_seen_at": now,
        },
    )
    session[SESSION_ROW_KEY] = row.pk
    return row


def session_row_of(request) -> UserSession | None:
    session = getattr(request, "session", None)
    row_id = session.get(SESSION_ROW_KEY) if session is not None else None
    return UserSession.objects.filter(pk=row_id).first() if row_id else None


def session_row_touch(*, request, user: User) -> None:
    """After each signed-in request: keep the row's key in step with the session, its last use within a minute.

    A session signed in before rows existed gets one now, so every session shows on "My devices".
    """
    session = request.session
    if not session.session_key:
        return
    row_id = session.get(SESSION_ROW_KEY)
    if row_id is None:
        session_row_start(request=request, user=user)
        return
    # The row was checked for this session key within the last minute: nothing to write, so nothing to read
    # (issue 20: a signed-in page no longer pays a SELECT for "My devices"). Keyed by the session key, so a
    # cycled key (a password change) is written at once.
    now = timezone.now()
    seen_key = f"{TOUCH_CACHE_PREFIX}{row_id}:{session.session_key}"
    seen = cache.get(seen_key)
    if seen is not None and now - seen < SESSION_TOUCH_PRECISION:
        return
    cache.set(seen_key, now, 2 * SESSION_TOUCH_PRECISION.total_seconds())
    changes = {}
    row = UserSession.objects.filter(pk=row_id, user=user).only("session_key", "last_seen_at").first()
    if row is None:
        return
    if row.session_key != session.session_key:
        changes["session_key"] = session.session_key
    if now - row.last_seen_at >= SESSION_TOUCH_PRECISION:
        changes["last_seen_at"] = now
        changes["ip_address"] = client_ip(request)
    if changes:
        UserSession.objects.filter(pk=row.pk).update(**changes)


def session_row_end(request) -> None:
    """At sign-out: the row goes with the session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    row_id = session.get(SESSION_ROW_KEY)
    if row_id is not None:
        UserSession.objects.filter(pk=row_id).delete()
    elif session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def sessions_end(rows: QuerySet[UserSession]) -> int:
    """End these sessions: delete them from the session store, then their rows."""
    store = _store()
    ended = 0
    for row in list(rows):
        store(session_key=row.session_key).delete()
        ended += 1
    rows.delete()
    return ended


def sessions_of(user: User) -> QuerySet[UserSession]:
    return UserSession.objects.filter(user=user).order_by("-last_seen_at", "-pk")


def sessions_live(user: User) -> QuerySet[UserSession]:
    """The sessions that may still work: a session unused for longer than it lives has expired in the store
    (a row can outlive its session when the store drops it: expiry, a sign-in as someone else)."""
    since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return sessions_of(user).filter(last_seen_at__gte=since)
