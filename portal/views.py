import logging
import sys

from django import db
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from accounts.workflow import language_choose
from services.models import Service

logger = logging.getLogger(__name__)


def home(request):
    services = Service.objects.filter(is_active=True)
    return render(request, "portal/home.html", {"services": services})


@require_POST
def language_switch(request):
    """The header's language switch (Django's ``set_language``: cookie, safe ``next``); a signed-in person's
    choice is also kept in their profile, so it follows them to another browser and to their SMS (issue 18)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        language_choose(user=request.user, language=language)
    return response


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:
        logger.warning("healthz: database unusable: %s", exc)
        return False, type(exc).__name__


def _check_cache() -> tuple[bool, str]:
    try:
        cache.set("healthz", "ok", 10)
        ok = cache.get("healthz") == "ok"
        return ok, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    except Exception as exc:
        logger.warning("healthz: cache unusable: %s", exc)
        return False, type(exc).__name__


def _check_broker() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager"
    from portal.celery import app

    # A real round trip to the broker (kombu's Redis transport pings on connect), bounded so a
    # black-holed broker cannot hang the health check past the load balancer's timeout.
    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
            return True, conn.transport.driver_name
    except Exception as exc:
        logger.warning("healthz: broker unusable: %s", exc)
        return False, type(exc).__name__


def _check_storage() -> tuple[bool, str]:
    # The private file store (the disk, or the S3 bucket shared by every node): its kind, or what to fix.
    from django.core.files.storage import storages

    from core.storage import kind, probe

    storage = storages["private"]
    try:
        problem = probe(storage)
    except Exception as exc:  # a readiness check answers, whatever the store does
        problem = type(exc).__name__
    if problem:
        logger.warning("healthz: private file store unusable: %s", problem)
        return False, problem
    return True, kind(storage)


@never_cache
@require_GET
def healthz_live(request):
    """Liveness: this process answers requests (nothing else is asked; restarting it would not mend a database)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def healthz(request):
    """Readiness (/healthz/ready, and /healthz as before): may this node take traffic? Each part it needs, and
    which failed: the proxy takes a node out while this is 503 and back when it is 200."""
    checks = {}
    parts = (
        ("database", _check_database),
        ("cache", _check_cache),
        ("broker", _check_broker),
        ("storage", _check_storage),
    )
    for name, check in parts:
        ok, detail = check()
        checks[name] = {"ok": ok, "detail": detail}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request's context processors: the failure may be the database or the
    # session itself. Only the static layout and the active language are used; never a traceback.
    response = HttpResponseServerError(loader.get_template("500.html").render())
    # Django calls this handler while handling the exception. The database unreachable (restarting,
    # failing over) is temporary: 503 with Retry-After tells clients and load balancers to come back
    # (load/tests/test_faults.py); the persistent connection is replaced on the next request.
    if isinstance(sys.exc_info()[1], (db.OperationalError, db.InterfaceError)):
        response.status_code = 503
        response["Retry-After"] = "30"
    return response


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the portal's icon (its hashed name in
    production, looked up when asked, not at import), not a 404 in every log."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
