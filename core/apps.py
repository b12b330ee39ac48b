from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The floor every app stands on: small helpers written once (digits, phones, money, addresses,
    form errors, rate limits, row-by-row imports). No models; imports nothing of the project."""

    name = "core"
    verbose_name = "Core"
