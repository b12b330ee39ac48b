"""Session rules that apply to every page."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import STAFF_IDLE_TIMEOUT
from accounts.sessions import session_row_touch

LAST_SEEN_KEY = "accounts.last_seen"
# Writing the session on every request costs a database write; a minute's precision is plenty.
_LAST_SEEN_PRECISION_SECONDS = 60


def _login_redirect(request, login_url: str):
    return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after 30 minutes without a request (issue 3): admin screens show personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(timezone.now().timestamp())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > STAFF_IDLE_TIMEOUT.total_seconds():
                logout(request)
                messages.info(
                    request, _("You were signed out after 30 minutes without activity. Please sign in again.")
                )
                admin_index = reverse("admin:index")
                login_url = reverse("admin:login") if request.path.startswith(admin_index) else reverse("account_login")
                return _login_redirect(request, login_url)
            if last_seen is None or now - last_seen >= _LAST_SEEN_PRECISION_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class MobileVerificationMiddleware:
    """A person who has not verified their mobile yet is sent to verify it before using any service:
    every SMS of every service goes to that number."""

    # Pages that must work before verification: signing in and out, the verification pages themselves,
    # the profile (to correct a mistyped number), static files, language switch, machine endpoints.
    ALLOWED_NAMES = (
        "account_logout",
        "account_login",
        "account_signup",
        "accounts:verify-mobile",
        "accounts:mobile-change",
        "accounts:mobile-change-confirm",
        "accounts:profile",
        # Changing the number asks for the password first (allauth's reauthentication).
        "account_reauthenticate",
        "set_language",
        "healthz",
        "healthz-ready",
        "healthz-live",
    )
    # /accounts/oidc/ and /accounts/3rdparty/: Sanad (proving one's identity needs no verified mobile).
    ALLOWED_PREFIXES = (
        "/admin/",
        "/api/",
        "/accounts/password/",
        "/accounts/email/",
        "/accounts/confirm-email/",
        "/accounts/oidc/",
        "/accounts/3rdparty/",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths: set[str] | None = None

    def _is_allowed(self, path: str) -> bool:
        if self._allowed_paths is None:
            self._allowed_paths = {reverse(name) for name in self.ALLOWED_NAMES}
        prefixes = (*self.ALLOWED_PREFIXES, settings.STATIC_URL, settings.MEDIA_URL)
        return path in self._allowed_paths or path.startswith(prefixes)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_staff
            and not user.mobile_verified
            and not self._is_allowed(request.path)
        ):
            return _login_redirect(request, reverse("accounts:verify-mobile"))
        return self.get_response(request)


class UserSessionMiddleware:
    """Keeps the "My devices" row of a signed-in browser up to date (accounts.sessions): its session key
    (Django cycles it at a password change) and, at most once a minute, its last use and address.

    After the view, so a key changed by the view is the one recorded. App requests (bearer tokens) have
    their own record (api.models.ApiToken.last_used_at).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(request, "api_token", None) is None
            and hasattr(request, "session")
        ):
            session_row_touch(request=request, user=user)
        return response
