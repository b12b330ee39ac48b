from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from accounts.middleware import LAST_SEEN_KEY


@receiver(user_logged_in, dispatch_uid="accounts.start_idle_clock")
def start_idle_clock(sender, request, user, **kwargs):
    """A fresh sign-in starts the staff idle clock from now, whatever the session held before."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(timezone.now().timestamp())
