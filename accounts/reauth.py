"""Account changes need the person, not the session (issue 17): the one decorator the portal's account
pages use.

allauth's ``reauthentication_required`` asks for the password again, but it waves through a person
who has no password: an account made by a Sanad sign-in. Such a person proves it is them with a fresh
Sanad sign-in instead (``action=reauthenticate``: Sanad asks again, ``prompt=login``), which allauth
records as the latest authentication; within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` of it they go on.
"""

import time
from functools import wraps

from allauth.account.decorators import reauthentication_required as password_reauthentication_required
from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.shortcuts import render


def _recently_authenticated(request) -> bool:
    records = get_authentication_records(request, request.user)
    if not records:
        return False
    return time.time() - records[-1].get("at", 0) < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


def passwordless_reauthentication_required(view):
    """For a person without a password, a fresh Sanad sign-in within minutes; anyone else goes on (allauth's
    own views already ask them for the password where it matters: the e-mail and password pages)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_usable_password() and not _recently_authenticated(request):
            context = {"next": request.get_full_path()}
            return render(request, "accounts/reauthenticate_sanad.html", context, status=403)
        return view(request, *args, **kwargs)

    return wrapped


def reauthentication_required(view):
    """The password again (allauth), or for a person without one a fresh Sanad sign-in, within minutes."""
    return passwordless_reauthentication_required(password_reauthentication_required(view))
