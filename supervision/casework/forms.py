"""Forms of the case-plan pages: they only parse; the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.models import TEXT_MAX_LENGTH
from supervision.casework.models import CaseGoal, CasePlan, Intervention

DATE = forms.DateInput(attrs={"type": "date"})
MAX_REVIEW_MONTHS = 24  # a form bound (a year and a half past any practice interval), not a legal clock


def _text(label, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=TEXT_MAX_LENGTH, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class PlanForm(forms.Form):
    needs_assessment = _text(_("Assessment of needs"), rows=5)
    review_every_months = forms.IntegerField(
        label=_("Review progress every (months)"), min_value=1, max_value=MAX_REVIEW_MONTHS, required=False
    )


class GoalForm(forms.Form):
    description = _text(pgettext_lazy("case plan", "Goal"), rows=2)
    target_date = forms.DateField(label=_("Target date"), widget=DATE)


class GoalStatusForm(forms.Form):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=CaseGoal.Status.choices)
    reason = _text(_("Reason (required when dropped)"), rows=2, required=False)


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Intervention.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    note = _text(_("Working note (only your organisation sees it)"), rows=3, required=False)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE)
    changes = _text(_("What changed"))
    next_steps = _text(_("Next steps"))


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE)
    note = _text(_("Why the plan closes"), rows=2)
    confirmed = forms.BooleanField(label=_("Yes, close this case plan: it cannot be changed afterwards"))


class ListForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=50, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("any"))] + list(CasePlan.Status.choices), required=False
    )
    overdue = forms.BooleanField(label=_("Only plans with overdue goals"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("opened", _("newest first")),
            ("name", pgettext_lazy("case plan sort", "name")),
            ("overdue", _("most overdue goals")),
            ("reviewed", _("longest without a review")),
        ],
    )
