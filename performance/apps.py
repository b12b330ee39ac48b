from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Service performance")

    def ready(self):
        from performance.published import published_stale
        from services.signals import application_closed

        # services may not import performance (layering): it signals, after the commit, and we listen.
        application_closed.connect(published_stale, dispatch_uid="performance.published_stale")
