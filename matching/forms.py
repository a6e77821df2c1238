"""Forms of the matching pages: validation at the edge, errors in the user's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services.models import Organisation, ServiceOffering


class SendForm(forms.Form):
    offering = forms.ModelChoiceField(queryset=ServiceOffering.objects.none(), label=_("Service"))
    message = forms.CharField(
        label=_("Message to the provider"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, offerings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offerings is not None:
            self.fields["offering"].queryset = offerings


class StartRunForm(forms.Form):
    office = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Judicial office"), required=False, empty_label=_("Whole city")
    )

    def __init__(self, *args, offices=None, allow_city=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Organisation.objects.none()
        self.fields["office"].required = not allow_city


class DecisionForm(forms.Form):
    verb = forms.ChoiceField(choices=[("confirm", _("confirm")), ("edit", _("edit")), ("reject", _("reject"))])
    offering = forms.ModelChoiceField(
        queryset=ServiceOffering.objects.none(), label=_("Another service"), required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)

    def __init__(self, *args, offerings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offerings is not None:
            self.fields["offering"].queryset = offerings

    def clean(self):
        data = super().clean()
        verb = data.get("verb")
        if verb in ("edit", "reject") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason."))
        if verb == "edit" and not data.get("offering"):
            self.add_error("offering", _("Choose the service to use instead."))
        return data
