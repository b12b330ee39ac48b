"""My devices (/accounts/devices/): the person's signed-in browsers and app tokens, each can be signed out.

Thin: accounts.devices lists and revokes; a device id that is not the person's answers 404. Signing
another device out asks for the password again (ASVS 3.3.4; allauth's reauthentication): a borrowed
session cannot throw the person out of their own phone.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.devices import current_session_device, device_owned, device_revoke, devices_for
from accounts.reauth import reauthentication_required


@login_required
def devices(request):
    current = current_session_device(request)
    return render(request, "accounts/devices.html", {"devices": devices_for(request.user, current=current)})


@login_required
@require_POST
def device_sign_out(request, device_id: str):
    if device_id == current_session_device(request):
        # This browser: a plain sign-out, so the session ends cleanly (and its row with it).
        logout(request)
        messages.info(request, _("This browser is signed out."))
        return redirect("account_login")
    if not device_owned(user=request.user, device_id=device_id):
        # Before the password is asked: someone else's device is not found, whoever asks.
        raise Http404
    return _device_sign_out_confirmed(request, device_id=device_id)


@reauthentication_required
def _device_sign_out_confirmed(request, *, device_id: str):
    if not device_revoke(user=request.user, device_id=device_id):
        raise Http404
    messages.success(request, _("The device is signed out. It must sign in again with the password."))
    return redirect("accounts:devices")
