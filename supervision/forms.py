"""Forms of the supervision pages: they parse input; the actions write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.models import Holiday


class RuleOverrideForm(forms.Form):
    value = forms.IntegerField(
        label=_("Value in this deployment"),
        required=False,
        min_value=0,
        max_value=10000,
        help_text=_("Leave empty to use the legal default again."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=_("Required: why the value changes."))


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Holiday name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Holiday.Kind.choices)
