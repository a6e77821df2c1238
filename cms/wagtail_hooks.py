"""Admin hooks: stories are published only through the privacy review; the checklist is shown."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from cms.actions import PRIVACY_BLOCKED_MESSAGE, require_privacy_review
from cms.models import NewsIndexPage, NewsPage


def _blocks_direct_publish(request, page_class) -> bool:
    return request.method == "POST" and "action-publish" in request.POST and issubclass(page_class, NewsPage)


@hooks.register("before_create_page")
def refuse_direct_publish_on_create(request, parent_page, page_class):
    if _blocks_direct_publish(request, page_class):
        messages.error(request, PRIVACY_BLOCKED_MESSAGE)
        return redirect(
            "wagtailadmin_pages:add", page_class._meta.app_label, page_class._meta.model_name, parent_page.pk
        )
    return None


@hooks.register("before_edit_page")
def refuse_direct_publish_on_edit(request, page):
    if _blocks_direct_publish(request, type(page.specific_deferred)):
        messages.error(request, PRIVACY_BLOCKED_MESSAGE)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("construct_page_action_menu")
def hide_publish_for_stories(menu_items, request, context):
    page = context.get("page")
    page_class = type(page.specific_deferred) if page is not None and page.pk else context.get("page_class")
    if page_class is not None and issubclass(page_class, NewsPage):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("after_create_page")
def review_stories_of_new_news_index(request, page):
    if isinstance(page.specific_deferred, NewsIndexPage):
        require_privacy_review(news_index=page)


@hooks.register("before_bulk_action")
def refuse_bulk_publish_of_stories(request, action_type, objects, action_class_instance):
    """Bulk publish would skip the review; the model refuses too (PrivacyReviewedPage.publish),
    this only turns that into a message instead of an error page."""
    if action_type != "publish":
        return None
    pages = list(objects)
    if request.POST.get("include_descendants"):
        pages += [d for page in pages for d in page.get_descendants().not_live().defer_streamfields()]
    if any(getattr(page.specific_class, "requires_privacy_review", False) for page in pages):
        messages.error(request, PRIVACY_BLOCKED_MESSAGE)
        return redirect(action_class_instance.next_url or "wagtailadmin_explore_root")
    return None
