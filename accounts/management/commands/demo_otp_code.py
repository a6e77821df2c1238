"""Print the current two-factor code of the demo's printed authenticator key (demo data only)."""

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from accounts.demo_support import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = "Print the current 6-digit code for the demo users' authenticator key (bureau, officer)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}")
