"""Load the demo data: the demo accounts listed in the README and each service's demo records.

Each app that has demo data provides ``<app>/demo.py`` with ``load(*, stdout)``; they run in
INSTALLED_APPS order (accounts first), and each must be idempotent (get_or_create / update_or_create).
Last, the demo staff get their published authenticator secret (``portal.mfa``, the project's own part).
"""

from importlib import import_module, util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import demo_staff
from portal.mfa import demo_devices_create


class Command(BaseCommand):
    help = "Create the demo accounts and demo data (idempotent). Refuses to run with DEBUG off."

    def handle(self, *args, **options):
        # No way around it (issue 17): the demo staff have a published password and authenticator secret,
        # so on a portal with DEBUG off they would be open doors. A demo runs with DEBUG on.
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG is off: seed_demo creates staff with a published password and authenticator secret, "
                "so it never runs on a production-like portal. Run the demo with DEBUG=True."
            )
        # One transaction: a failing app leaves no half-loaded demo behind (later apps build on earlier ones).
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if util.find_spec(module_name) is None:
                    continue
                import_module(module_name).load(stdout=self.stdout)
                self.stdout.write(f"seed_demo: {app_config.label} loaded")
            # Staff need a second factor for the admin: demo staff share a published authenticator secret.
            demo_devices_create(demo_staff(), stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("seed_demo: done"))
