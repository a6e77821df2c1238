"""Forms of the matching pages: validation at the edge, errors in the user's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import MatchRun
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
    kind = forms.ChoiceField(
        label=_("What to match"), choices=MatchRun.Kind.choices, initial=MatchRun.Kind.REFERRALS, required=False
    )
    office = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Judicial office"), required=False, empty_label=_("Whole city")
    )

    def __init__(self, *args, offices=None, allow_city=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Organisation.objects.none()
        self.fields["office"].required = not allow_city

    def clean_kind(self):
        return self.cleaned_data.get("kind") or MatchRun.Kind.REFERRALS


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


class MentorDecisionForm(forms.Form):
    verb = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("confirm")), ("edit", _("choose another mentor")), ("reject", _("reject"))],
        widget=forms.RadioSelect,
    )
    mentor = forms.ModelChoiceField(queryset=None, label=_("Another mentor"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)

    def __init__(self, *args, mentors=None, **kwargs):
        super().__init__(*args, **kwargs)
        from volunteers.models import Volunteer

        self.fields["mentor"].queryset = mentors if mentors is not None else Volunteer.objects.none()

    def clean(self):
        data = super().clean()
        verb = data.get("verb")
        if verb in ("edit", "reject") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason."))
        if verb == "edit" and not data.get("mentor"):
            self.add_error("mentor", _("Choose the mentor to use instead."))
        return data
