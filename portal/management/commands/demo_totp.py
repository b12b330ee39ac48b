"""`python manage.py demo_totp`: the current second-factor code of the demo staff accounts (DEBUG only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from portal.mfa import demo_key_hex


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo staff accounts (their shared, published demo secret)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp runs only with DEBUG on: production staff use their own authenticator.")
        totp = TOTP(bytes.fromhex(demo_key_hex()), step=30, digits=6)
        self.stdout.write(f"{totp.token():06d}")
