from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractorsConfig(AppConfig):
    name = "contractors"
    verbose_name = _("Contractor permits")

    def ready(self):
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from contractors.constants import BILL_KIND
        from contractors.workflow import RenewalWorkflow
        from contractors.workflow.payment import renewal_bill_paid
        from payments.registry import register_bill_handler
        from services.registry import register_workflow

        register_workflow(RenewalWorkflow)
        register_bill_handler(BILL_KIND, renewal_bill_paid)
