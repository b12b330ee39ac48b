from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Mobile app API")

    def ready(self):
        # Imported here: these import models, which need the app registry to be ready.
        from accounts.devices import register_device_kind
        from api.devices import AppTokenDevices

        # App tokens are devices too: "My devices", a new password and a reset end them (issue 17).
        register_device_kind(AppTokenDevices())
