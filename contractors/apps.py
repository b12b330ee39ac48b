from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractorsConfig(AppConfig):
    name = "contractors"
    verbose_name = _("Contractor permits")

    def ready(self):
        from contractors import workflow
        from contractors.constants import BILL_KIND
        from payments.registry import register_bill_handler

        register_bill_handler(BILL_KIND, workflow.renewal_bill_paid)
