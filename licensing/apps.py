from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Profession licences")

    def ready(self):
        from licensing.constants import BILL_KIND_DUES, BILL_KIND_FEES
        from licensing.workflow import split_dues_paid, split_fees_paid  # importing registers SplitWorkflow
        from payments.registry import register_bill_handler

        register_bill_handler(BILL_KIND_DUES, split_dues_paid)
        register_bill_handler(BILL_KIND_FEES, split_fees_paid)
