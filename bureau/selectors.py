"""Every read of the bureau's meetings and inspections starts from the scoped querysets (accounts.scoping).

None of these rows is about a supervisee, so no read is written to the access log."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import scoping
from bureau.models import ActionItem, Checklist, Finding, FollowUp, Inspection, InspectionResult, Meeting

MEETING_SORTS = {"held_at": "held_at", "-held_at": "-held_at", "title": "title"}
ITEM_SORTS = {"due_on": "due_on", "-due_on": "-due_on", "owner": "owner_department", "status": "status"}
INSPECTION_SORTS = {"-inspected_on": "-inspected_on", "inspected_on": "inspected_on", "office": "office__name"}


def meetings(user: Any, *, query: str = "", sort: str = "-held_at") -> QuerySet[Meeting]:
    """The meetings the user may read, searched in title, place, agenda and decisions, with how many of their
    action items the user sees and how many are open."""
    items = scoping.scope(user, ActionItem)
    rows = scoping.scope(user, Meeting).select_related("organiser")
    if query:
        rows = rows.filter(
            Q(title__icontains=query)
            | Q(place__icontains=query)
            | Q(agenda__icontains=query)
            | Q(decisions__icontains=query)
        )
    rows = rows.annotate(
        item_count=Count("items", filter=Q(items__in=items.values("pk")), distinct=True),
        open_count=Count(
            "items", filter=Q(items__in=items.values("pk"), items__status=ActionItem.Status.OPEN), distinct=True
        ),
    )
    return rows.order_by(MEETING_SORTS.get(sort, "-held_at"), "-pk")


def meeting_items(user: Any, meeting: Meeting) -> QuerySet[ActionItem]:
    """The meeting's action items the user may see."""
    return scoping.scope(user, ActionItem).filter(meeting=meeting).select_related("owner_organisation", "closed_by")


def overdue_q(today=None) -> Q:
    return Q(status=ActionItem.Status.OPEN, due_on__lt=today or timezone.localdate())


def action_items(
    user: Any,
    *,
    query: str = "",
    department: str = "",
    organisation: int | None = None,
    status: str = "",
    overdue: bool = False,
    sort: str = "due_on",
) -> QuerySet[ActionItem]:
    """The action items the user may see, filtered by owner (department or organisation), status, overdue."""
    rows = scoping.scope(user, ActionItem).select_related("meeting", "owner_organisation")
    if query:
        rows = rows.filter(Q(task__icontains=query) | Q(meeting__title__icontains=query))
    if department:
        rows = rows.filter(owner_department=department)
    if organisation:
        rows = rows.filter(owner_organisation_id=organisation)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(overdue_q())
    return rows.order_by(ITEM_SORTS.get(sort, "due_on"), "pk")


def checklists(user: Any) -> QuerySet[Checklist]:
    """Every checklist version the user may read, newest first, with its items."""
    return (
        scoping.scope(user, Checklist)
        .prefetch_related("items")
        .annotate(used=Count("inspections"))
        .order_by("-version")
    )


def inspections(
    user: Any, *, query: str = "", office: int | None = None, sort: str = "-inspected_on"
) -> QuerySet[Inspection]:
    """The inspections the user may see, with their open findings counted."""
    rows = scoping.scope(user, Inspection).select_related("office", "checklist")
    if query:
        rows = rows.filter(
            Q(inspectors__icontains=query) | Q(summary__icontains=query) | Q(office__name__icontains=query)
        )
    if office:
        rows = rows.filter(office_id=office)
    rows = rows.annotate(
        finding_count=Count("findings", distinct=True),
        open_findings=Count("findings", filter=~Q(findings__status=Finding.Status.CLOSED), distinct=True),
    )
    return rows.order_by(INSPECTION_SORTS.get(sort, "-inspected_on"), "-pk")


def inspection_detail(user: Any, pk: int) -> Inspection:
    """One inspection with its results (in checklist order) and findings; DoesNotExist outside the scope."""
    return (
        scoping.scope(user, Inspection)
        .select_related("office", "checklist", "recorded_by")
        .prefetch_related(
            Prefetch("results", queryset=InspectionResult.objects.select_related("item").order_by("item__position")),
            "findings",
        )
        .get(pk=pk)
    )


def findings(user: Any, *, status: str = "", office: int | None = None, overdue: bool = False) -> QuerySet[Finding]:
    """The findings the user may see, soonest deadline first."""
    rows = scoping.scope(user, Finding).select_related("inspection", "inspection__office")
    if status == "unclosed":
        rows = rows.exclude(status=Finding.Status.CLOSED)
    elif status:
        rows = rows.filter(status=status)
    if office:
        rows = rows.filter(inspection__office_id=office)
    if overdue:
        rows = rows.filter(status=Finding.Status.OPEN, correction_due__lt=timezone.localdate())
    return rows.order_by("correction_due", "pk")


def follow_ups(user: Any, finding: Finding) -> QuerySet[FollowUp]:
    return scoping.scope(user, FollowUp).filter(finding=finding).select_related("author")


def open_items_count(user: Any) -> int:
    """Open action items the user sees (the home page)."""
    return scoping.scope(user, ActionItem).filter(status=ActionItem.Status.OPEN).count()


def overdue_items_count(user: Any) -> int:
    return scoping.scope(user, ActionItem).filter(overdue_q()).count()


def open_findings_count(user: Any) -> int:
    """Findings the user sees not yet closed (the home page)."""
    return scoping.scope(user, Finding).exclude(status=Finding.Status.CLOSED).count()


def overdue_findings_count(user: Any) -> int:
    return findings(user, overdue=True).count()
