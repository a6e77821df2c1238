"""Forms of the outreach site."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm


class PrivacyApprovalForm(TaskStateCommentForm):
    """Approving a story requires ticking the privacy checklist."""

    confirm_checklist = forms.BooleanField(
        label=_(
            "I have checked: no name, face, place or detail identifies a supervisee without their written consent."
        ),
        required=True,
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
