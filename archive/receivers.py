"""The archive listens to supervision: a correction that ends closes its archive in the same transaction."""

from __future__ import annotations

from typing import Any

from supervision.signals import case_closed


def _close(sender: Any, *, supervisee: Any, actor: Any, on: Any, **kwargs: Any) -> None:
    from archive import actions

    actions.close(supervisee=supervisee, actor=actor, on=on)


def connect() -> None:
    case_closed.connect(_close, dispatch_uid="archive.close_on_case_closed")
