"""Outreach pages for the public (Wagtail).

Every page type declares where it may live (``parent_page_types``) and what it may
hold (``subpage_types``); every body is the one shared ``ContentStreamBlock``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page
from wagtail.search import index

from accounts.validators import validate_safe_url
from cms.blocks import ContentStreamBlock

PRIVACY_CHECKLIST = [
    _("No name, nickname or initials of a supervisee."),
    _("No face or other recognisable picture of a supervisee."),
    _("No home, workplace, village or other place that points to a supervisee."),
    _("No offence, date, age, family or other detail that identifies a supervisee."),
    _("Anything that could identify a supervisee is covered by their written consent, kept on file."),
]


PRIVACY_REVIEW_REQUIRED_MESSAGE = _(
    "A news or story page is published only when a privacy reviewer approves it: submit it for privacy review."
)


class PrivacyReviewRequired(PermissionDenied):
    """Publishing a page that needs privacy review without an approved review."""


def privacy_checklist_html() -> str:
    items = "".join(f"<li>{item}</li>" for item in PRIVACY_CHECKLIST)
    return f"<p><strong>{_('Privacy checklist before publishing')}</strong></p><ul>{items}</ul>"


# Evaluated when the editor renders, in the editor's language.
privacy_checklist_lazy = lazy(privacy_checklist_html, str)


class OutreachPage(Page):
    """Fields every public page shares: a summary for listings and sharing, an image, the stream."""

    summary = models.TextField(
        _("summary"), blank=True, max_length=400, help_text=_("One or two sentences for listings, search and sharing.")
    )
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("sharing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("social_image")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from cms import cache as page_cache
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        name = f"chrome:{request.get_host()}:{self.pk}:{selectors.current_language()}"
        context.update(page_cache.memoise(name, lambda: selectors.page_chrome(self, request), request))
        return context

    @property
    def description(self) -> str:
        return self.search_description or self.summary

    def route(self, request, path_components):
        """Find a descendant by its URL path in one step instead of one level at a time.

        Wagtail walks the tree with two queries per level; the page at the end of the path
        is found here with two queries at any depth. Anything not found this way (for
        example a page type that routes its own sub-paths) falls back to Wagtail's walk.
        """
        if path_components:
            target = self.url_path + "/".join(path_components) + "/"
            page = Page.objects.filter(url_path=target, path__startswith=self.path).first()
            if page is not None:
                return page.specific.route(request, [])
        return super().route(request, path_components)


class HomePage(OutreachPage):
    """The root of the public site, one per language."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("summary"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.ProgrammePage",
        "cms.NewsIndexPage",
        "cms.EventIndexPage",
        "cms.RecruitmentPage",
        "cms.FaqPage",
        "cms.PolicyDocumentPage",
    ]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        from cms import cache as page_cache
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"], context["upcoming_events"] = page_cache.memoise(
            f"home-listings:{self.locale_id}",
            lambda: (
                selectors.latest_news(locale_id=self.locale_id, limit=3),
                selectors.upcoming_events(locale_id=self.locale_id, limit=3),
            ),
            request,
        )
        return context


class StandardPage(OutreachPage):
    """A plain content page (about us, contact, accessibility...)."""

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage", "cms.ProgrammePage"]
    subpage_types = ["cms.StandardPage"]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class ProgrammePage(OutreachPage):
    """What community corrections is, how it works, how to help: one topic per page."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*OutreachPage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage", "cms.ProgrammePage"]
    subpage_types = ["cms.ProgrammePage", "cms.StandardPage"]
    template = "cms/programme_page.html"

    class Meta:
        verbose_name = _("programme page")
        verbose_name_plural = _("programme pages")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["child_pages"] = selectors.child_pages(self)
        return context


class NewsIndexPage(OutreachPage):
    """News and good-practice stories, newest first, filterable by tag."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("summary")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    template = "cms/news_index_page.html"

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "").strip()[:100]
        context["tag"] = tag
        context["news_pages"] = selectors.news_list(index=self, tag=tag or None, page_number=request.GET.get("page"))
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class PrivacyReviewedPage(Page):
    """A page type that goes live only with a revision a privacy reviewer approved.

    Enforced here, at the lowest level Wagtail offers, so every path to live obeys it: the
    editor, bulk publish, revisions, scheduled publishing (``publish_scheduled`` publishes
    the revision the workflow approved) and the workflow itself (the approving task state is
    saved before the page is published). A copy is never created live (``cms.signals``).
    """

    requires_privacy_review = True

    class Meta:
        abstract = True

    def publish(self, revision, *args, **kwargs):
        from cms.actions import privacy_review_passed

        if not privacy_review_passed(revision):
            raise PrivacyReviewRequired(PRIVACY_REVIEW_REQUIRED_MESSAGE)
        return super().publish(revision, *args, **kwargs)


class NewsPage(OutreachPage, PrivacyReviewedPage):
    """A news item or a good-practice story; always privacy-reviewed before it is published."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        STORY = "story", _("Good-practice story")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    date = models.DateField(_("date"), default=timezone.localdate)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        HelpPanel(content=privacy_checklist_lazy(), heading=_("Privacy review")),
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        FieldPanel("summary"),
        FieldPanel("tags"),
        FieldPanel("body"),
    ]
    search_fields = [*OutreachPage.search_fields, index.FilterField("date")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "cms/news_page.html"

    class Meta:
        verbose_name = _("news or story page")
        verbose_name_plural = _("news and story pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page_tags"] = list(self.tags.all())
        # The index is this page's parent: its URL is this page's URL without the last segment.
        url = self.get_url(request) or ""
        context["index_url"] = url[: -len(self.slug) - 1] if url.endswith(f"{self.slug}/") else "../"
        return context


class EventIndexPage(OutreachPage):
    """Upcoming events first, then past ones."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("summary")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    template = "cms/event_index_page.html"

    class Meta:
        verbose_name = _("event index")
        verbose_name_plural = _("event indexes")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["upcoming"], context["past"] = selectors.events_of(index=self)
        return context


class EventPage(OutreachPage):
    """A public event with time and place, a calendar (.ics) download and an optional volunteer shift."""

    start_at = models.DateTimeField(_("starts"))
    end_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    volunteer_shift = models.ForeignKey(
        "volunteers.Shift",
        verbose_name=_("volunteer shift"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: the volunteer shift for this event; volunteers can book it from the event page."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")]), FieldPanel("place")],
            heading=_("When and where"),
        ),
        FieldPanel("volunteer_shift"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*OutreachPage.search_fields, index.SearchField("place")]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []
    template = "cms/event_page.html"

    class Meta:
        verbose_name = _("event page")
        verbose_name_plural = _("event pages")

    def clean(self):
        super().clean()
        if self.start_at and self.end_at and self.end_at < self.start_at:
            from django.core.exceptions import ValidationError

            raise ValidationError({"end_at": _("An event cannot end before it starts.")})

    @property
    def shift_link(self) -> str:
        """Where "volunteer at this event" leads: volunteers to the linked shift, newcomers to the application."""
        if not self.volunteer_shift_id:
            return ""
        from django.urls import reverse

        return reverse("volunteers:join_shift", args=[self.volunteer_shift_id])


class RecruitmentPage(OutreachPage):
    """Why and how to volunteer, leading to the volunteer application."""

    intro = RichTextField(_("introduction"), blank=True)
    apply_url = models.CharField(
        _("application link"),
        max_length=300,
        default="/volunteers/apply/",
        validators=[validate_safe_url],
        help_text=_("Where the apply button leads; the volunteer application by default."),
    )
    apply_label = models.CharField(_("apply button label"), max_length=60, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("apply_url"), FieldPanel("apply_label")]),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StandardPage", "cms.FaqPage"]
    template = "cms/recruitment_page.html"

    class Meta:
        verbose_name = _("volunteer recruitment page")
        verbose_name_plural = _("volunteer recruitment pages")

    @property
    def apply_link(self) -> str:
        return localise_path(self.apply_url)


class FaqPage(OutreachPage):
    """Questions and answers (the body's FAQ blocks)."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("summary"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.RecruitmentPage", "cms.ProgrammePage"]
    subpage_types: list[str] = []
    template = "cms/faq_page.html"

    class Meta:
        verbose_name = _("FAQ page")
        verbose_name_plural = _("FAQ pages")


class PolicyDocumentPage(OutreachPage):
    """A policy or regulation, its text and downloadable attachments."""

    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("document_number"), FieldPanel("issuer"), FieldPanel("issued_on")]),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    search_fields = [*OutreachPage.search_fields, index.SearchField("document_number")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage", "cms.ProgrammePage"]
    subpage_types: list[str] = []
    template = "cms/policy_document_page.html"

    class Meta:
        verbose_name = _("policy document page")
        verbose_name_plural = _("policy document pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachment_list"] = list(self.attachments.select_related("document"))
        return context


class PolicyAttachment(Orderable):
    page = ParentalKey(PolicyDocumentPage, related_name="attachments", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Defaults to the document's title."))

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class PrivacyReviewTask(AbstractGroupApprovalTask):
    """Approval by privacy reviewers, who must confirm the checklist before approving."""

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields

    def get_form_for_action(self, action):
        from cms.forms import PrivacyApprovalForm

        if action == "approve":
            return PrivacyApprovalForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        kwargs.pop("confirm_checklist", None)
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_actions(self, obj, user):
        # Approving always opens the form, so the checklist is confirmed every time.
        actions = super().get_actions(obj, user)
        return [(name, label, True if name == "approve" else modal) for name, label, modal in actions]

    @classmethod
    def get_description(cls):
        return _("Privacy reviewers confirm the checklist: nothing identifies a supervisee without written consent.")

    class Meta:
        verbose_name = _("privacy review task")
        verbose_name_plural = _("privacy review tasks")


class SearchEntry(models.Model):
    """One live page in the public search index, its text segmented into words (jieba)."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="+")
    language_code = models.CharField(max_length=20, db_index=True)
    title = models.TextField()
    text = models.TextField()
    # " word word ... " (space-padded, lower-case) so a word matches with LIKE '% word %'.
    title_words = models.TextField()
    words = models.TextField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.title


def localise_path(path: str) -> str:
    """Prefix a site-relative path with the active language's URL prefix (English: /en/)."""
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    if not path.startswith("/") or path.startswith("//") or language == settings.LANGUAGE_CODE:
        return path
    prefix = f"/{language}/"
    return path if path.startswith(prefix) else prefix.rstrip("/") + path
