"""Forms of the matching pages: validation at the edge, errors in the user's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.kinds import ProposalKind
from matching.models import MatchRun, ProposalBase
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
    """One decision on a proposal of either kind; the field for the other target is named after the kind's
    target (``offering`` or ``mentor``)."""

    verb = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)

    def __init__(self, *args, kind: ProposalKind, proposal: ProposalBase, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_name = proposal.target_field
        self.fields["verb"].choices = [("confirm", _("confirm")), ("edit", kind.edit_label), ("reject", _("reject"))]
        other = forms.ModelChoiceField(queryset=kind.choices(proposal), label=kind.other_label, required=False)
        other.label_from_instance = kind.choice_label
        self.fields = {"verb": self.fields["verb"], self.target_name: other, "reason": self.fields["reason"]}
        self.choose_message = kind.choose_message

    @property
    def target(self):
        return self[self.target_name]

    def clean(self):
        data = super().clean()
        verb = data.get("verb")
        if verb in ("edit", "reject") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason."))
        if verb == "edit" and not data.get(self.target_name):
            self.add_error(self.target_name, self.choose_message)
        return data
