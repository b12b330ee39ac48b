from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolationsConfig(AppConfig):
    name = "violations"
    verbose_name = _("Traffic violations")

    def ready(self):
        # Imported here: these modules load models, which Django allows only once the apps are ready.
        # No register_workflow: the service has no application workflow (nothing is applied for).
        from payments.registry import register_bill_handler
        from services.registers import register_vehicle_register
        from violations.billing import violations_bill_paid
        from violations.constants import BILL_KIND
        from violations.selectors import vehicle_in_register

        register_bill_handler(BILL_KIND, violations_bill_paid)
        # The vehicle register the portal holds: accident claims check a vehicle against it.
        register_vehicle_register(vehicle_in_register)
