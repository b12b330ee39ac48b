from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccidentsConfig(AppConfig):
    name = "accidents"
    verbose_name = _("Accident claim release")

    def ready(self):
        from accidents.constants import BILL_KIND
        from accidents.workflow import claim_bill_paid  # importing registers ClaimWorkflow
        from payments.registry import register_bill_handler

        register_bill_handler(BILL_KIND, claim_bill_paid)
