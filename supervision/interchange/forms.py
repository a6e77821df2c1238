"""The import page's form: the receiving office and the package file (or, to confirm, the package again)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# A package of one case is small; a bigger upload is not a case package (a view choice, not a legal clock).
MAX_PACKAGE_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    judicial_office = forms.ModelChoiceField(queryset=None, label=_("Receiving judicial office"))
    package = forms.FileField(label=_("Case package (.json)"), required=False)
    package_json = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judicial_office"].queryset = offices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("package")
        if upload is not None:
            if upload.size > MAX_PACKAGE_BYTES:
                raise forms.ValidationError({"package": _("The file is too big for a case package.")})
            raw = upload.read()
        elif data.get("package_json"):
            raw = data["package_json"].encode()
        else:
            raise forms.ValidationError({"package": _("Choose the case package file.")})
        try:
            data["data"] = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise forms.ValidationError({"package": _("This file is not JSON.")}) from None
        return data
