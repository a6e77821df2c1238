"""What every app's demo loader receives: seeded randomness, Faker zh_CN and the logins to print."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TextIO

from faker import Faker

DEMO_PASSWORD = "Demo-2026-cc"  # noqa: S105 - printed on purpose; demo data only
# The authenticator key of the demo users who must use two-factor sign-in (bureau, officer),
# printed with the logins; `manage.py demo_otp_code` shows its current code. Demo data only.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238's test key
SEED = 20121823  # the policy's date; any fixed number keeps reruns identical


@dataclass
class DemoContext:
    stdout: TextIO
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311 - not for security
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, organisation)

    def __post_init__(self) -> None:
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(SEED)

    def say(self, message: str) -> None:
        self.stdout.write(message + "\n")
