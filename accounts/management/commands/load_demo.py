"""Load the demo city: townships, organisations, one user per role, outreach content.

Idempotent: running it again updates what is there and adds nothing twice.
Each app contributes through ``<app>/demo.py`` with a ``load(ctx)`` function,
called in the order below.
"""

import base64
import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo_support import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX, DemoContext

DEMO_APPS = [
    "services",
    "accounts",
    "coordination",
    "volunteers",
    "cms",
    "matching",
    "supervision",
    "bureau",
    "archive",
]


class Command(BaseCommand):
    help = "Load synthetic demo data (Faker zh_CN) for the city; safe to run again."

    def handle(self, *args, **options) -> None:
        ctx = DemoContext(stdout=self.stdout)
        for app in DEMO_APPS:
            module_name = f"{app}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            with transaction.atomic():
                importlib.import_module(module_name).load(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, organisation in ctx.logins:
            self.stdout.write(f"  {username:<14} {role}  ·  {organisation}")
        key = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
        self.stdout.write("")
        self.stdout.write("Bureau administrators and officers also need a two-factor code (docs/security.md):")
        self.stdout.write(f"  add the key {key} to an authenticator app, or run `manage.py demo_otp_code`.")
