"""Forms of the rewards-and-sanctions pages: they parse input; the actions write and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH
from supervision.models import SanctionGround
from supervision.movement.forms import DATE, MultipleFileField
from supervision.sanctions.models import SanctionProposal


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reward or sanction"), choices=SanctionProposal.Kind.choices)
    grounds = forms.ModelMultipleChoiceField(
        label=_("Grounds"),
        queryset=SanctionGround.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    facts = forms.CharField(label=_("Facts"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(
        label=_("Evidence (photos or PDF)"), required=False, help_text=_("JPEG, PNG or PDF; several files allowed.")
    )

    def __init__(self, *args, grounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if grounds is not None:
            self.fields["grounds"].queryset = grounds


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )
    decision_number = forms.CharField(label=_("Decision number (文号)"), max_length=100, required=False)
    note = forms.CharField(label=_("Reasons (required for a refusal)"), max_length=300, required=False)
    confirm = forms.BooleanField(
        label=_("I have read the facts, grounds and evidence and confirm this decision."), required=True
    )


class SendForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE)


class DetentionForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Detention requested at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class OrganDecisionForm(forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    accepted = forms.TypedChoiceField(
        label=_("The organ's decision"),
        choices=[("1", _("granted the proposal")), ("0", _("did not grant the proposal"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(label=_("The organ's decision number"), max_length=200)


class NoticeForm(forms.Form):
    notified_on = forms.DateField(label=_("Procuratorate notified on"), widget=DATE)
