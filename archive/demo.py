"""Demo of the case archive: every released or terminated person of the demo city has a closed archive,
closed on the day their correction ended (the date of their release or termination in the status history) by
the demo bureau administrator, with both volumes' retention due dates from the rule book.

Written through ``archive.actions.close``; idempotent (a case's archive closes once, and a second run finds it).
"""

from __future__ import annotations

from accounts.demo_support import DemoContext
from accounts.models import User
from archive import actions
from archive.models import CaseArchive
from coordination.models import Supervisee
from supervision.models import StatusChange

BUREAU_USER = "bureau"
ENDED = (Supervisee.Status.RELEASED, Supervisee.Status.TERMINATED)


def load(ctx: DemoContext) -> None:
    actor = User.objects.filter(username=BUREAU_USER).first()
    if actor is None:
        ctx.say("Archive: no bureau administrator in the demo; nothing closed.")
        return
    closed = 0
    people = Supervisee.objects.filter(status__in=ENDED).exclude(pk__in=CaseArchive.objects.values("supervisee_id"))
    for person in people.order_by("pk"):
        ending = (
            StatusChange.objects.filter(supervisee=person, to_status=person.status).order_by("-occurred_on").first()
        )
        on = ending.occurred_on if ending is not None else person.correction_end
        actions.close(supervisee=person, actor=actor, on=on)
        closed += 1
    ctx.say(f"Archive: {closed} archives closed ({CaseArchive.objects.count()} in all).")
