"""Keep the search index and the page cache in step with what is published."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms import actions


def on_published(sender, instance, **kwargs):
    actions.index_page(page=instance)
    actions.purge_page_cache()


def on_unpublished(sender, instance, **kwargs):
    actions.unindex_page(page_id=instance.pk)
    actions.purge_page_cache()


def on_moved(sender, instance, **kwargs):
    actions.purge_page_cache()


def on_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page | Site):
        actions.purge_page_cache()


def on_site_saved(sender, instance, **kwargs):
    actions.purge_page_cache()


def on_privacy_changed(sender, instance, **kwargs):
    # A page that became private must not be served from the anonymous cache any more.
    actions.purge_page_cache()


def keep_unreviewed_pages_offline(sender, instance, **kwargs):
    """A review-required page is never *created* live (a copy with "keep live", a recursive
    copy of an index): it starts as a draft and goes through the review like any other."""
    if not getattr(instance, "requires_privacy_review", False) or not instance._state.adding or not instance.live:
        return
    if actions.privacy_review_waived_now():
        return
    instance.live = False
    instance.has_unpublished_changes = True
    instance.live_revision = None
    instance.first_published_at = None
    instance.last_published_at = None


def connect() -> None:
    page_published.connect(on_published, dispatch_uid="cms.index_on_publish")
    page_unpublished.connect(on_unpublished, dispatch_uid="cms.unindex_on_unpublish")
    post_page_move.connect(on_moved, dispatch_uid="cms.purge_on_move")
    post_delete.connect(on_deleted, dispatch_uid="cms.purge_on_delete")
    pre_save.connect(keep_unreviewed_pages_offline, dispatch_uid="cms.unreviewed_pages_offline")
    post_save.connect(on_site_saved, sender=Site, dispatch_uid="cms.purge_on_site_saved")
    post_save.connect(on_privacy_changed, sender=PageViewRestriction, dispatch_uid="cms.purge_on_privacy_saved")
    post_delete.connect(on_privacy_changed, sender=PageViewRestriction, dispatch_uid="cms.purge_on_privacy_deleted")
