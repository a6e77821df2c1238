from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DisposeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for disposal"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    confirm = forms.BooleanField(
        label=_(
            "I confirm that this volume's personal data and files are removed for good; only the disposal record stays."
        )
    )
