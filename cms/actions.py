"""Writes of the outreach site: the search index, the page cache, the privacy-review workflow."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from cms import cache as page_cache
from cms import segment, selectors

# Workflow and task names are data that Wagtail shows as they are ("提交给…"), so they are Chinese.
PRIVACY_WORKFLOW_NAME = "隐私审核"
PRIVACY_TASK_NAME = "宣传稿件隐私审核"
LEGACY_NAMES = {"Privacy review": PRIVACY_WORKFLOW_NAME, "Privacy review of stories": PRIVACY_TASK_NAME}
PRIVACY_GROUP_NAME = "Privacy reviewers"
REVIEWER_GROUP_NAMES = (PRIVACY_GROUP_NAME, "Moderators")


@transaction.atomic
def index_page(*, page: Page) -> None:
    """Put a live page's words (segmented by jieba) in the public search index."""
    from cms.models import SearchEntry

    page = page.specific
    if not page.live:
        SearchEntry.objects.filter(page_id=page.pk).delete()
        return
    text = selectors.searchable_text(page)
    SearchEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "language_code": page.locale.language_code,
            "title": page.title,
            "text": text,
            "title_words": segment.padded(page.title),
            "words": segment.padded(text),
        },
    )


@transaction.atomic
def unindex_page(*, page_id: int) -> None:
    """Take a page out of the public search index."""
    from cms.models import SearchEntry

    SearchEntry.objects.filter(page_id=page_id).delete()


def rebuild_search_index() -> int:
    """Index every live page again; returns how many were indexed."""
    from cms.models import SearchEntry

    SearchEntry.objects.exclude(page__live=True).delete()
    count = 0
    for page in Page.objects.live().filter(depth__gt=1).specific():
        index_page(page=page)
        count += 1
    return count


def purge_page_cache() -> None:
    """Forget every cached page now and again when the transaction commits (a request that
    rendered in between must not keep the pre-commit page)."""
    page_cache.purge()
    transaction.on_commit(page_cache.purge)


@transaction.atomic
def ensure_privacy_workflow() -> Workflow:
    """The privacy-review workflow with its one task, approved by privacy reviewers and moderators."""
    from cms.models import PrivacyReviewTask

    groups = [Group.objects.get_or_create(name=name)[0] for name in REVIEWER_GROUP_NAMES]
    Workflow.objects.filter(name="Privacy review").update(name=LEGACY_NAMES["Privacy review"])
    PrivacyReviewTask.objects.filter(name="Privacy review of stories").update(name=PRIVACY_TASK_NAME)
    task = PrivacyReviewTask.objects.filter(name=PRIVACY_TASK_NAME).first()
    if task is None:
        task = PrivacyReviewTask.objects.create(name=PRIVACY_TASK_NAME)
    task.groups.add(*groups)
    workflow, _created = Workflow.objects.get_or_create(name=PRIVACY_WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


@transaction.atomic
def require_privacy_review(*, news_index: Page) -> None:
    """Attach the privacy-review workflow to a news index, so every story under it is reviewed.

    Privacy reviewers may open the admin, edit and publish there: approving the last task
    of a workflow publishes the page as the approver.
    """
    workflow = ensure_privacy_workflow()
    WorkflowPage.objects.update_or_create(page=news_index, defaults={"workflow": workflow})
    group = Group.objects.get(name=PRIVACY_GROUP_NAME)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in ("change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=news_index,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )


PRIVACY_BLOCKED_MESSAGE = _(
    "A news or story page is published only when a privacy reviewer approves it: submit it for privacy review."
)

_review_waived: contextvars.ContextVar[str] = contextvars.ContextVar("cms_privacy_review_waived", default="")


@contextlib.contextmanager
def privacy_review_waived(reason: str) -> Iterator[None]:
    """Publish review-required pages without a review, for content the project itself writes
    (the synthetic demo pages, test fixtures). Never used by a request."""
    if not reason:
        raise ValueError("say why the privacy review is waived")
    token = _review_waived.set(reason)
    try:
        yield
    finally:
        _review_waived.reset(token)


def privacy_review_waived_now() -> bool:
    return bool(_review_waived.get())


def privacy_review_passed(revision) -> bool:
    """Did a privacy reviewer approve exactly this revision (or is the review waived for project content)?"""
    from wagtail.models import TaskState

    from cms.models import PrivacyReviewTask

    if _review_waived.get():
        return True
    return TaskState.objects.filter(
        revision=revision,
        status=TaskState.STATUS_APPROVED,
        task__in=PrivacyReviewTask.objects.values("pk"),
    ).exists()
