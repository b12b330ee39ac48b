"""The services app's models, one module per concern: the catalogue, the application lifecycle, files."""

from services.models.applications import (
    Application,
    ApplicationEvent,
    ApplicationQuerySet,
    ApplicationReminder,
    Ending,
    LifecycleError,
)
from services.models.calendar import Holiday
from services.models.catalogue import BilingualMixin, Service, ServiceDocument
from services.models.files import IssuedDocument, Upload

__all__ = [
    "Application",
    "ApplicationEvent",
    "ApplicationQuerySet",
    "ApplicationReminder",
    "BilingualMixin",
    "Ending",
    "Holiday",
    "IssuedDocument",
    "LifecycleError",
    "Service",
    "ServiceDocument",
    "Upload",
]
