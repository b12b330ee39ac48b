from allauth.account import signals as allauth_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts import workflow
from accounts.devices import current_session_device
from accounts.middleware import LAST_SEEN_KEY
from accounts.models import Membership, Organisation
from accounts.selectors import header_memberships_forget
from accounts.sessions import session_row_end, session_row_start


@receiver(user_logged_in, dispatch_uid="accounts.start_idle_clock")
def start_idle_clock(sender, request, user, **kwargs):
    """A fresh sign-in starts the staff idle clock from now, whatever the session held before."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="accounts.session_row_start")
def session_row_on_sign_in(sender, request, user, **kwargs):
    """Each sign-in shows on "My devices" (accounts.sessions)."""
    if request is not None:
        session_row_start(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.session_row_end")
def session_row_on_sign_out(sender, request, user, **kwargs):
    if request is not None:
        session_row_end(request)


# allauth's own pages change the password (change, set, reset by e-mail) and the e-mail addresses: the
# same rules as the portal's SMS pages (accounts.workflow) follow from its signals.
@receiver(allauth_signals.password_changed, dispatch_uid="accounts.password_changed")
@receiver(allauth_signals.password_set, dispatch_uid="accounts.password_set")
def password_changed(sender, request, user, **kwargs):
    workflow.account_password_changed(user=user, keep=current_session_device(request) if request else None)


@receiver(allauth_signals.password_reset, dispatch_uid="accounts.password_reset")
def password_reset(sender, request, user, **kwargs):
    workflow.account_password_reset(user=user)


@receiver(allauth_signals.email_added, dispatch_uid="accounts.email_added")
@receiver(allauth_signals.email_changed, dispatch_uid="accounts.email_changed")
@receiver(allauth_signals.email_removed, dispatch_uid="accounts.email_removed")
def email_changed(sender, request, user, **kwargs):
    workflow.account_email_changed(user=user)


# The header's "acting for" list is remembered per person (accounts.selectors.header_memberships): a change to a
# membership, or to an organisation's name or verification, forgets it for the people concerned.
@receiver(post_save, sender=Membership, dispatch_uid="accounts.header_memberships_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="accounts.header_memberships_membership_deleted")
def header_memberships_on_membership(sender, instance, **kwargs):
    header_memberships_forget(instance.user_id)


@receiver(post_save, sender=Organisation, dispatch_uid="accounts.header_memberships_organisation_saved")
def header_memberships_on_organisation(sender, instance, **kwargs):
    header_memberships_forget(*Membership.objects.filter(organisation=instance).values_list("user_id", flat=True))
