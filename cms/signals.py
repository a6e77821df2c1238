"""Keep the search index and the page cache in step with what is published."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
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


def connect() -> None:
    page_published.connect(on_published, dispatch_uid="cms.index_on_publish")
    page_unpublished.connect(on_unpublished, dispatch_uid="cms.unindex_on_unpublish")
    post_page_move.connect(on_moved, dispatch_uid="cms.purge_on_move")
    post_delete.connect(on_deleted, dispatch_uid="cms.purge_on_delete")
    post_save.connect(on_site_saved, sender=Site, dispatch_uid="cms.purge_on_site_saved")
