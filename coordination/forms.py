"""Forms of the casework workbench: validate input, then call an action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import CaseNote, Consent, Need, Referral
from services.models import Organisation, ServiceCategory


class NeedForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ServiceCategory.objects.filter(is_active=True), empty_label=None
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Need.Urgency.choices, coerce=int, initial=Need.Urgency.NORMAL
    )
    description = forms.CharField(
        label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Kind.choices)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ConsentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Share with"), queryset=Organisation.objects.filter(is_active=True).order_by("kind", "name")
    )
    method = forms.ChoiceField(label=_("How consent was given"), choices=Consent.Method.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class ReferralForm(forms.Form):
    offering = forms.ModelChoiceField(label=_("Service"), queryset=None, empty_label=None)
    message = forms.CharField(
        label=_("Message to the provider"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Only what the provider needs to know; never the offence."),
    )
    send_now = forms.BooleanField(label=_("Send now"), required=False, initial=True)
    override_consent = forms.BooleanField(label=_("Send without recorded consent (officer override)"), required=False)
    override_reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=255)

    def __init__(self, *args, offerings=None, can_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings
        self.fields["offering"].label_from_instance = self.offering_label
        if not can_override:
            del self.fields["override_consent"]
            del self.fields["override_reason"]

    @staticmethod
    def offering_label(offering) -> str:
        free = _("free places: %(n)s") % {"n": offering.free}
        return f"{offering.organisation.name} · {offering.name} ({free})"

    def clean(self):
        data = super().clean()
        if data.get("override_consent") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Give the reason for sending without consent."))
        return data


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason for declining"), required=False, max_length=2000)
    grade = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Referral.Outcome.choices])
