from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django.contrib import admin

        from portal import audit, checks, mfa  # noqa: F401 - checks registers the system checks

        audit.connect()
        mfa.admin_requires_verification(admin.site)
