"""The one stream of content blocks shared by every outreach page.

Small StructBlocks, each with an icon (admin) and a template (public site), in the
shape of bakerydemo's ``base/blocks.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from accounts.validators import validate_safe_url
from cms import stats


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=200)
    level = blocks.ChoiceBlock(label=_("level"), choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2")

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        help_text=_("Describe the image for people who cannot see it; leave empty if it is decorative."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "cms/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    link_url = blocks.CharBlock(
        label=_("link"),
        help_text=_("A path such as /volunteers/apply/ or a full URL."),
        validators=[validate_safe_url],
    )
    link_label = blocks.CharBlock(label=_("button label"), max_length=60)

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"))
    answer = blocks.RichTextBlock(label=_("answer"), features=["bold", "italic", "link", "ol", "ul"])


class FaqBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    questions = blocks.ListBlock(QuestionBlock(), label=_("questions"))

    class Meta:
        icon = "help"
        label = _("Questions and answers")
        template = "cms/blocks/faq.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"))
    description = blocks.TextBlock(label=_("description"), required=False)


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"))

    class Meta:
        icon = "list-ol"
        label = _("Steps or timeline")
        template = "cms/blocks/steps.html"


class DocumentListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    documents = blocks.ListBlock(DocumentChooserBlock(), label=_("documents"))

    class Meta:
        icon = "doc-full"
        label = _("Document list")
        template = "cms/blocks/document_list.html"


class StatisticsBlock(blocks.StructBlock):
    """Live figures for the whole city; only aggregates, small ones hidden (see cms.stats)."""

    title = blocks.CharBlock(label=_("title"), required=False)
    figures = blocks.MultipleChoiceBlock(
        label=_("figures"),
        choices=stats.FIGURE_CHOICES,
        default=[key for key, _label in stats.FIGURE_CHOICES],
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        context["figures"] = stats.visible_figures(list(value["figures"]), request)
        context["threshold"] = stats.threshold()
        return context

    class Meta:
        icon = "table"
        label = _("Live statistics")
        template = "cms/blocks/statistics.html"


class ContentStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        icon="pilcrow",
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        template="cms/blocks/paragraph.html",
    )
    heading = HeadingBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    faq = FaqBlock()
    steps = StepsBlock()
    documents = DocumentListBlock()
    statistics = StatisticsBlock()

    class Meta:
        label = _("Content")
