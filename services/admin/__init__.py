"""The services admin, one module per concern; importing the package registers every model.

The package's public names are the building blocks every service app's application admin uses.
"""

from services.admin import calendar, catalogue, files  # noqa: F401 - importing registers the models
from services.admin.applications import (
    ApplicationAdminMixin,
    ApplicationEventInline,
    ApplicationQueueFilter,
    ApplicationStateFilter,
    ApplicationStatusFilter,
    transition_action,
)

__all__ = [
    "ApplicationAdminMixin",
    "ApplicationEventInline",
    "ApplicationQueueFilter",
    "ApplicationStateFilter",
    "ApplicationStatusFilter",
    "transition_action",
]
