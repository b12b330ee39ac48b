from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accidents.constants import BILL_KIND
from payments.registry import register_bill_handler
from services.registry import register_workflow


class AccidentsConfig(AppConfig):
    name = "accidents"
    verbose_name = _("Accident claim release")

    def ready(self):
        # Imported here: the workflow imports the models, which need the app registry to be ready.
        from accidents.workflow import ClaimWorkflow, claim_bill_paid

        register_workflow(ClaimWorkflow)
        register_bill_handler(BILL_KIND, claim_bill_paid)
