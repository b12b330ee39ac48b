"""Staff second factor (issue 11): the admin needs a TOTP code on top of the password.

django-otp keeps the devices (TOTPDevice) and marks a session verified (``django_otp.login``);
this module decides where the code is asked for:

- ``StaffMFAMiddleware``: a signed-in staff member whose session is not verified reaches no page
  (admin or not); they are sent to ``/admin/mfa/``, which asks for the code, or, when they have no confirmed
  device yet, enrols one (secret and QR code shown once, confirmed by a first code).
- ``admin_requires_verification``: the admin site itself also refuses an unverified session
  (``has_permission``), so a URL the middleware did not think of stays closed.

Enrolment after the password alone is trust on first use: a superuser creates staff accounts and
their first sign-in enrols the device. A lost phone: a superuser deletes the device in the admin
(OTP devices), and the next sign-in enrols a new one.
"""

import base64
import io
import logging
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger("portal.security")

DEVICE_NAME = "authenticator"


def mfa_required() -> bool:
    return getattr(settings, "STAFF_MFA_REQUIRED", True)


def _needs_second_factor(user) -> bool:
    return user.is_authenticated and user.is_staff and mfa_required() and not user.is_verified()


class StaffMFAMiddleware:
    """Sends an unverified staff session to the code page (after OTPMiddleware).

    Every page, not only /admin/: a staff account's privileges reach further (the performance dashboard,
    any person's uploads and documents through ``has_perm``), so until the code is given the session
    may only sign out, switch language or give the code.
    """

    ALLOWED_NAMES = (
        "portal-mfa",
        "admin:logout",
        "admin:jsi18n",
        "account_logout",
        "set_language",
        "healthz",
        "healthz-ready",
        "healthz-live",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths: set[str] | None = None

    def _allowed(self, path: str) -> bool:
        if self._allowed_paths is None:
            self._allowed_paths = {reverse(name) for name in self.ALLOWED_NAMES}
        return path in self._allowed_paths or path.startswith((settings.STATIC_URL, settings.MEDIA_URL))

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and _needs_second_factor(user) and not self._allowed(request.path):
            return redirect(f"{reverse('portal-mfa')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def admin_requires_verification(site: AdminSite) -> None:
    """The admin answers only verified staff sessions (defence in depth behind the middleware)."""

    def has_permission(request):
        if not AdminSite.has_permission(site, request):
            return False
        return not mfa_required() or request.user.is_verified()

    site.has_permission = has_permission


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the 6 digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


def _qr_svg_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


@never_cache
@sensitive_post_parameters("code")
@login_required(login_url="admin:login")
def mfa(request):
    """Ask for the code of the confirmed device, or enrol one (then its first code confirms it)."""
    user = request.user
    if not user.is_staff:
        return redirect("home")
    if user.is_verified():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": DEVICE_NAME})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                logger.info("staff second factor enrolled: user_id=%s", user.pk)
            otp_login(request, device)
            logger.info("staff second factor verified: user_id=%s", user.pk)
            return redirect(_safe_next(request))
        logger.warning("staff second factor refused: user_id=%s", user.pk)
        form.add_error("code", _("This code is not right, or it was already used. Try the next one."))
    context = {
        **admin.site.each_context(request),
        "title": _("Set up your second factor") if enrolling else _("Second factor"),
        "form": form,
        "enrolling": enrolling,
        "next": _safe_next(request),
    }
    if enrolling:
        context["secret"] = _secret_base32(device)
        context["qr"] = _qr_svg_data_uri(device.config_url)
    return render(request, "portal/mfa.html", context)


# --- Demo staff ---------------------------------------------------------------------------
# Published in the README: demo staff accounts share this authenticator secret, so a tester adds it
# to any authenticator app once (or runs `manage.py demo_totp`). seed_demo refuses to run with DEBUG
# off (no way around it), and prints the secret only with DEBUG on.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPAMMANDEMOSTAFF22"  # noqa: S105  # nosec B105


def demo_key_hex() -> str:
    padded = DEMO_TOTP_SECRET + "=" * (-len(DEMO_TOTP_SECRET) % 8)
    return base64.b32decode(padded).hex()


def demo_devices_create(users, *, stdout) -> None:
    """Give each demo staff member a confirmed authenticator with the published demo secret (idempotent)."""
    key = demo_key_hex()
    for user in users:
        TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
        TOTPDevice.objects.update_or_create(user=user, name=DEVICE_NAME, defaults={"key": key, "confirmed": True})
    if settings.DEBUG:
        stdout.write(
            f"  staff second factor: authenticator secret {DEMO_TOTP_SECRET} "
            "(or `python manage.py demo_totp` prints the current code)"
        )
