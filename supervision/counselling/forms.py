"""Forms of the counselling pages: they only parse; the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH
from supervision.counselling.models import PsychAssessment

DATE = forms.DateInput(attrs={"type": "date"})


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    summary = forms.CharField(
        label=_("Summary (the officer sees it)"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label=_("Notes (only your organisation sees them)"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NoteForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Notes"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))


class AssessmentForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=PsychAssessment.Instrument.choices)
    score = forms.DecimalField(label=_("Score"), min_value=0, max_digits=6, decimal_places=2)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    interpretation = forms.CharField(
        label=_("Interpretation"), max_length=TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=50, required=False)
