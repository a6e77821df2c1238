"""Forms of the reporting pages: they only parse; the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.models import CorrectionPlan
from supervision.reporting.models import CheckIn, HealthReport, LostContactEpisode, SearchStep, Visit

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OverrideForm(forms.Form):
    reporting_mode = forms.ChoiceField(
        label=_("How they report"),
        choices=[("", _("as the correction plan says")), *CorrectionPlan.ReportingMode.choices],
        required=False,
    )
    interval_days = forms.IntegerField(label=_("Report every (days)"), min_value=1, max_value=365, required=False)
    health_reports = forms.BooleanField(label=_("Owes health reports (medical parole)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CheckInForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How"), choices=[c for c in CheckIn.Method.choices if c[0] != CheckIn.Method.CODE]
    )
    at = forms.DateTimeField(label=_("When (empty: now)"), required=False, widget=DATETIME)
    law_abiding = forms.BooleanField(label=_("Abided by the law and the rules"), required=False, initial=True)
    work = forms.CharField(label=_("Work or study"), max_length=1000, required=False)
    family = forms.CharField(label=_("Family"), max_length=1000, required=False)
    address_changed = forms.BooleanField(label=_("Address changed"), required=False)
    job_changed = forms.BooleanField(label=_("Job changed"), required=False)
    family_changed = forms.BooleanField(label=_("Family situation changed"), required=False)
    changes = forms.CharField(
        label=_("What changed"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def report(self) -> dict:
        data = self.cleaned_data
        keys = ("law_abiding", "work", "family", "address_changed", "job_changed", "family_changed", "changes")
        return {key: data[key] for key in keys if data.get(key) not in (None, "")}


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Where"), choices=Visit.Kind.choices)
    state = forms.ChoiceField(label=_("Visit"), choices=Visit.State.choices, initial=Visit.State.DONE)
    on = forms.DateField(label=_("Date"), widget=DATE)
    people_seen = forms.CharField(label=_("Who was seen"), max_length=300, required=False)
    findings = forms.CharField(
        label=_("Findings"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    discreet = forms.BooleanField(label=_("Discreet (not announced)"), required=False)


class EpisodeForm(forms.Form):
    lost_since = forms.DateField(label=_("Out of contact since"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("What is known"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=SearchStep.Kind.choices)
    result = forms.CharField(label=_("Result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    taken_at = forms.DateTimeField(label=_("When (empty: now)"), required=False, widget=DATETIME)


class NoticeForm(forms.Form):
    recipient = forms.ChoiceField(
        label=_("Told"),
        choices=[("public_security", _("public security organ")), ("procuratorate", _("people's procuratorate"))],
    )
    sent_on = forms.DateField(label=_("On"), widget=DATE)


class CloseForm(forms.Form):
    found_at = forms.DateTimeField(label=_("Found at"), widget=DATETIME)
    outcome = forms.ChoiceField(label=_("Outcome of the search"), choices=LostContactEpisode.Outcome.choices)
    outcome_note = forms.CharField(
        label=_("Details"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HealthReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of health report"), choices=HealthReport.Kind.choices)
    document = forms.FileField(label=_("Document (photo or PDF)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
