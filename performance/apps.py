from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Service performance")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from performance import rollups
        from performance.published import published_stale
        from services.models import Holiday
        from services.signals import application_closed, application_closing

        # services may not import performance (layering): it signals, and we listen. The closing is counted in
        # the rollups inside its transaction; the public page's cache is replaced after the commit.
        application_closing.connect(rollups.closing_counted, dispatch_uid="performance.rollups.closing_counted")
        application_closed.connect(published_stale, dispatch_uid="performance.published_stale")
        pre_save.connect(rollups.holiday_changing, sender=Holiday, dispatch_uid="performance.rollups.holiday_changing")
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(rollups.holiday_changed, sender=Holiday, dispatch_uid=f"performance.rollups.holiday_{name}")
