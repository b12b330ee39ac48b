from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django.contrib import admin

        from portal import audit, checks, mfa  # noqa: F401 - checks registers the system checks

        audit.connect()
        # The request id into and out of Celery tasks, and task outcomes counted (issue 19): web processes
        # publish, workers run; eager mode (tests, `make run`) does both in one process.
        from portal import metrics, observability

        observability.connect_celery_signals()
        metrics.connect_celery_signals()
        mfa.admin_requires_verification(admin.site)
