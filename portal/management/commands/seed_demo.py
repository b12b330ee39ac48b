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
    help = "Create the demo accounts and demo data (idempotent). Refuses with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never on a live portal)")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: seed_demo creates accounts with known passwords. Use --force to insist.")
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
