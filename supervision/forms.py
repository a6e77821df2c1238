"""Forms of the supervision pages: they parse input; the actions write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH, CorrectionTeamMember, SupervisionLevel
from services.models import RiskLevel
from supervision.models import CorrectionPlan, Holiday


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


class PlanForm(forms.Form):
    """A version of the correction plan (the actions decide what may change)."""

    supervision_level = forms.ChoiceField(label=_("Supervision level"), choices=SupervisionLevel.choices)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    classification_reasons = forms.CharField(
        label=_("Reasons for the classification"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    reporting_mode = forms.ChoiceField(label=_("How they report"), choices=CorrectionPlan.ReportingMode.choices)
    reporting_interval_days = forms.IntegerField(label=_("Report every (days)"), min_value=1, max_value=366)
    education_goals = forms.CharField(
        label=_("Education goals"), max_length=TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    help_goals = forms.CharField(
        label=_("Help and support goals"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    team = forms.ModelMultipleChoiceField(
        label=_("Correction team"),
        queryset=CorrectionTeamMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    change_note = forms.CharField(label=_("What changed and why"), max_length=300, required=False)

    def __init__(self, *args, supervisee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = CorrectionTeamMember.objects.filter(supervisee=supervisee, is_active=True)


class ReviewForm(forms.Form):
    to_level = forms.ChoiceField(label=_("Proposed level"), choices=SupervisionLevel.choices)
    reasons = forms.CharField(label=_("Reasons"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
