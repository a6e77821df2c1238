from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.attachments import AttachmentField


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    confirm = forms.BooleanField(label=_("I confirm that this document is void from now on."))


class ScanForm(forms.Form):
    file = AttachmentField(label=_("Signed and stamped scan (PDF, JPEG or PNG)"))
