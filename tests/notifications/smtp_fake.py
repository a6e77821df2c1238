"""A real SMTP server on a spare local port (aiosmtpd) that answers 451 while "down", then recovers.

It records every accepted message with its Message-ID, so a test can prove nothing was lost and
nothing was delivered twice.
"""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class FlakyHandler:
    down: bool = True
    refused: int = 0
    accepted: list[email.message.Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        if self.down:
            self.refused += 1
            return "451 4.3.0 Mail server temporarily unavailable, try again later"
        self.accepted.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.accepted]


class FlakySmtpServer:
    def __init__(self) -> None:
        self.handler = FlakyHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> FlakySmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
