from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from licensing.constants import BILL_KIND_DUES, BILL_KIND_FEES
from payments.registry import register_bill_handler
from services.registry import register_workflow


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Profession licences")

    def ready(self):
        from licensing import workflow  # imports the models: only once the app registry is ready

        register_workflow(workflow.SplitWorkflow)
        register_bill_handler(BILL_KIND_DUES, workflow.split_dues_paid)
        register_bill_handler(BILL_KIND_FEES, workflow.split_fees_paid)
