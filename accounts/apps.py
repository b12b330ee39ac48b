from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Imported here: these import models, which need the app registry to be ready.
        from accounts import signals  # noqa: F401 - connects the receivers
        from accounts.devices import BrowserSessions, register_device_kind

        register_device_kind(BrowserSessions())
