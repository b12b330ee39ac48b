"""Response headers every page carries (issue 11: security headers on every page).

Django's SecurityMiddleware already sets HSTS (production), nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy, and XFrameOptionsMiddleware sets X-Frame-Options. Django 5.2 has no
Content Security Policy of its own, so this adds one.

Scripts come only from the portal itself: no template has an inline <script> or an on*= handler
(portal/tests/test_url_sweep.py checks the templates and every page). Styles too, except under
/admin/: Django's admin and the apps' admin templates use style="" attributes, so the admin's
policy keeps 'unsafe-inline' for styles (never for scripts).
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from core.storage import StorageUnavailableError

logger = logging.getLogger(__name__)

DEFAULT_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # Bootstrap draws its icons (menu toggler, select arrow, validation marks) as data: SVG images.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

API_PREFIX = "/api/"

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def content_security_policy(*, admin: bool = False, form_origin: str = "") -> str:
    policy = dict(getattr(settings, "CONTENT_SECURITY_POLICY", None) or DEFAULT_CSP)
    if admin:
        policy["style-src"] = [*policy["style-src"], "'unsafe-inline'"]
    if form_origin:
        policy["form-action"] = [*policy["form-action"], form_origin]
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class SecurityHeadersMiddleware:
    """Adds the Content Security Policy and Permissions-Policy; a view's own stricter policy is kept
    (e.g. private file downloads answer with ``default-src 'none'; sandbox``)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()
        self.admin_policy = content_security_policy(admin=True)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith("/admin/")
            sanad = _origin(settings.SANAD_ISSUER_URL)
            if sanad and not admin:
                # The "Sign in with Sanad" form posts here and is redirected to Sanad: Chromium applies
                # form-action to that redirect too, so Sanad's origin (and only it) is allowed.
                response["Content-Security-Policy"] = content_security_policy(form_origin=sanad)
            else:
                response["Content-Security-Policy"] = self.admin_policy if admin else self.policy
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        return response


class LanguageMiddleware(LocaleMiddleware):
    """The page's language: the one this browser chose (the header switch, the profile, or signing in with a
    profile preference: the language cookie), otherwise Arabic, the municipality's language (issue 18).

    A browser's Accept-Language does not choose the language of pages: a first visit is in Arabic whatever
    the browser says, until the person chooses English, and every message a person sees is then in the
    page's language (a message made while the browser's language ruled could be English on an Arabic page).
    The API (/api/) is for programs, which say what they want: there Accept-Language still counts.
    """

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class StorageUnavailableMiddleware:
    """A file request while the private file store is down (issue 19: an unreachable S3 endpoint, a missing
    bucket, refused keys) answers a clear page, 503 with Retry-After, instead of a server error; the record of
    the upload or document is untouched, and the log names the variable to look at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StorageUnavailableError):
            return None
        logger.error("The private file store is unavailable (%s): %s", exception.variable or "?", exception)
        response = render(request, "503_files.html", status=503)
        response["Retry-After"] = "60"
        return response
