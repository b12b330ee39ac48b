from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """SMS and the portal inbox. Below accounts: signing up, codes and invitations send through it."""

    name = "notifications"
    verbose_name = _("Notifications")
